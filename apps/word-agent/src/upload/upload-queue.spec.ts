import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UploadQueue } from './upload-queue';

describe('UploadQueue (on disk)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'word-agent-queue-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function enqueue(queue: UploadQueue, content: string) {
    const incoming = await queue.incoming();
    await writeFile(incoming.docxPath, content);
    await writeFile(incoming.pdfPath, `%PDF ${content}`);
    return queue.commit(incoming, { docxSha256: content, savedAt: new Date().toISOString() });
  }

  it('survives a new instance (restart) and gives entries oldest first', async () => {
    const first = new UploadQueue(dir);
    await enqueue(first, 'v1');
    const head = await first.takeNext();
    await enqueue(first, 'v2'); // v1 is in flight: kept
    const restarted = new UploadQueue(dir);
    expect(await restarted.size()).toBe(2);
    expect((await restarted.takeNext())?.docxSha256).toBe('v1');
    expect(head?.id).toBeDefined();
  });

  it('keeps one entry behind the one in flight: a newer save replaces the waiting one', async () => {
    const queue = new UploadQueue(dir);
    await enqueue(queue, 'v1');
    const inFlight = await queue.takeNext();
    await enqueue(queue, 'v2');
    await enqueue(queue, 'v3');
    expect(await queue.size()).toBe(2);
    await queue.remove(inFlight!);
    const next = await queue.takeNext();
    expect(next?.docxSha256).toBe('v3');
    expect(next && (await readdir(next.dir)).sort()).toEqual(['job.json', 'report.docx', 'report.pdf']);
  });

  it('tells the newest queued version', async () => {
    const queue = new UploadQueue(dir);
    expect(await queue.newestSha256()).toBeUndefined();
    await enqueue(queue, 'a');
    await queue.takeNext();
    await enqueue(queue, 'b');
    expect(await queue.newestSha256()).toBe('b');
  });

  it('numbers entries after the highest one, also after removals', async () => {
    const queue = new UploadQueue(dir);
    const a = await enqueue(queue, 'a');
    await queue.takeNext();
    const b = await enqueue(queue, 'b');
    expect(Number(b.id)).toBe(Number(a.id) + 1);
    await queue.remove(a);
    await queue.takeNext();
    const c = await enqueue(queue, 'c');
    expect(Number(c.id)).toBe(Number(b.id) + 1);
  });

  it('drops half-prepared uploads and uncommitted folders', async () => {
    const queue = new UploadQueue(dir);
    const incoming = await queue.incoming();
    await writeFile(incoming.docxPath, 'partial');
    await queue.sweepIncoming();
    expect(await readdir(dir)).toEqual([]);
    await writeFile(path.join(dir, 'ignored.txt'), 'x');
    await rm(path.join(dir, 'ignored.txt'));
    const committed = await enqueue(queue, 'ok');
    await rm(path.join(committed.dir, 'job.json'));
    expect(await queue.takeNext()).toBeUndefined();
    expect(await queue.size()).toBe(0);
  });
});
