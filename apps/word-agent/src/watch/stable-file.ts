import { promises as fs } from 'node:fs';

/** What changes while a file is being written. */
export interface FileSignature {
  size: number;
  mtimeMs: number;
}

export async function fileSignature(file: string): Promise<FileSignature | undefined> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? { size: stat.size, mtimeMs: stat.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

export const sameSignature = (a: FileSignature | undefined, b: FileSignature | undefined): boolean =>
  !!a && !!b && a.size === b.size && a.mtimeMs === b.mtimeMs;

export interface StabilityOptions {
  stableMs: number;
  pollMs: number;
  /** Give up (undefined) when the file has not settled by then. */
  timeoutMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Waits until the file exists and its size and mtime have not changed for `stableMs`: Word writes
 * a save in several steps (temp file, renames, more writes) and the agent must read the end state.
 */
export async function waitUntilStable(
  signature: () => Promise<FileSignature | undefined>,
  options: StabilityOptions,
): Promise<FileSignature | undefined> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.timeoutMs;
  let last = await signature();
  let unchangedSince = now();
  for (;;) {
    if (last && now() - unchangedSince >= options.stableMs) return last;
    if (now() >= deadline) return undefined;
    await sleep(options.pollMs);
    const current = await signature();
    if (!sameSignature(current, last)) {
      last = current;
      unchangedSince = now();
    }
  }
}
