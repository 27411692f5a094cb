import { FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import { CoalescedTask } from '../tasks/coalesced-task';
import { Debouncer } from './debouncer';
import { FileSignature, fileSignature, sameSignature, waitUntilStable } from './stable-file';

export interface SaveWatcherOptions {
  debounceMs: number;
  stableMs: number;
  pollIntervalMs: number;
}

/**
 * Tells when the document has been saved and is at rest. Watches the FOLDER, not the file: Word
 * saves by writing a temp file and renaming it over the document (the file's identity changes, a
 * watch on the file itself goes deaf), creates `~$` lock files, and fires several events per
 * save. Events are debounced, then the file must be stable; a slow poll covers file systems that
 * drop events. `onSettled` runs for each settled change (its caller checks the content).
 */
export class SaveWatcher {
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private readonly debouncer: Debouncer;
  private lastSeen: FileSignature | undefined;
  private readonly examination: CoalescedTask;
  private stopped = false;

  constructor(
    private readonly file: string,
    private readonly options: SaveWatcherOptions,
    private readonly onSettled: () => void,
  ) {
    this.examination = new CoalescedTask(
      () => this.examine(),
      () => undefined, // examine() only stats files; a failure just waits for the next event
    );
    this.debouncer = new Debouncer(options.debounceMs, () => void this.examination.kick());
  }

  async start(): Promise<void> {
    this.lastSeen = await fileSignature(this.file);
    const name = path.basename(this.file);
    this.watcher = watch(path.dirname(this.file), (_event, changed) => {
      // Only the document itself matters (a null name: the platform did not say, look anyway).
      if (!changed || changed.toString() === name) this.debouncer.poke();
    });
    this.watcher.on('error', () => this.debouncer.poke());
    this.poll = setInterval(() => void this.pollOnce(), this.options.pollIntervalMs);
    this.poll.unref();
  }

  stop(): void {
    this.stopped = true;
    this.debouncer.cancel();
    this.watcher?.close();
    if (this.poll) clearInterval(this.poll);
  }

  private async pollOnce(): Promise<void> {
    const current = await fileSignature(this.file);
    if (current && !sameSignature(current, this.lastSeen)) this.debouncer.poke();
  }

  private async examine(): Promise<void> {
    const settled = await waitUntilStable(() => fileSignature(this.file), {
      stableMs: this.options.stableMs,
      pollMs: Math.max(20, Math.round(this.options.stableMs / 5)),
      timeoutMs: 60_000,
    });
    if (this.stopped) return;
    if (settled && !sameSignature(settled, this.lastSeen)) {
      this.lastSeen = settled;
      this.onSettled();
    }
  }
}
