import { LoggerService } from '@nestjs/common';
import { ViewRecord } from '../files/files.repository';

/** Most rows one statement writes. */
const MAX_BATCH = 500;

/** How long the first view of a batch waits for others (one insert instead of one per view). */
const BATCH_WINDOW_MS = 25;

/**
 * The view-link audit trail, written off the download's path: `record` returns at once; rows are
 * written in batches, one statement at a time, BATCH_WINDOW_MS after the first of a batch (what
 * arrives while one is being written goes in the next). A failed write is logged with every row
 * it held, so no view disappears silently; `flush` waits until everything recorded so far is
 * written (shutdown, tests). A crash loses at most the views of the last BATCH_WINDOW_MS.
 */
export class ViewLog {
  private queue: ViewRecord[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly write: (views: readonly ViewRecord[]) => Promise<void>,
    private readonly logger: LoggerService,
  ) {}

  record(view: ViewRecord): void {
    this.queue.push(view);
    // Started a little later, so the reply that recorded it leaves first and views a few
    // milliseconds apart share one insert.
    this.writing ??= new Promise<void>((resolve) => setTimeout(resolve, BATCH_WINDOW_MS)).then(() => this.drain());
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.write(batch);
        } catch (error) {
          this.logger.error({ err: error, views: batch }, `Recording ${batch.length} file view(s) failed`);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
