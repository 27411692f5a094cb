import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isCompleteDocx } from '../docx/docx-check';
import { syncDir } from '../state/durable-file';

export class DownloadError extends Error {}

/** A safe local file name for the document: the presigned URL's file name, else `report-<edit id>.docx`. */
export function documentNameFor(documentUrl: string, editId: string): string {
  let base = '';
  try {
    base = decodeURIComponent(path.posix.basename(new URL(documentUrl).pathname));
  } catch {
    base = '';
  }
  const safe = base.replace(/[^A-Za-z0-9._ -]/g, '_').replace(/^[.\s]+/, '').slice(0, 120);
  return /\.docx$/i.test(safe) && safe.length > 5 ? safe : `report-${editId}.docx`;
}

/** Downloads the document next to its final name, checks it is a .docx, then renames it into place. */
export async function downloadDocument(documentUrl: string, target: string, timeoutMs: number): Promise<void> {
  const temp = `${target}.download`;
  let response: Response;
  try {
    response = await fetch(documentUrl, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new DownloadError(`Cannot download the document: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`);
  }
  if (!response.ok || !response.body) {
    throw new DownloadError(`Cannot download the document: HTTP ${response.status} (the link may have expired; open the report in Quire again)`);
  }
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), (await fs.open(temp, 'w', 0o600)).createWriteStream());
    if (!(await isCompleteDocx(temp))) throw new DownloadError('The downloaded file is not a .docx document');
    await fs.rename(temp, target);
    await syncDir(path.dirname(target));
  } finally {
    await fs.rm(temp, { force: true });
  }
}
