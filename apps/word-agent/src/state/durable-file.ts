import { promises as fs } from 'node:fs';
import path from 'node:path';

/** fsyncs a directory so that a rename or create in it survives a crash (no-op where unsupported). */
export async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open a directory for fsync; NTFS renames are journaled.
  } finally {
    await handle?.close();
  }
}

/** Writes a file so that readers see the old or the new content, never half of it. */
export async function writeFileDurably(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await fs.open(temp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, file);
  await syncDir(path.dirname(file));
}

export async function writeJsonDurably(file: string, value: unknown): Promise<void> {
  await writeFileDurably(file, `${JSON.stringify(value, null, 2)}\n`);
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Copies a file and fsyncs the copy. */
export async function copyFileDurably(from: string, to: string): Promise<void> {
  await fs.copyFile(from, to);
  const handle = await fs.open(to, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
