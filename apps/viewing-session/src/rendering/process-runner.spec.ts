import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProcessError, ProcessRunner } from './process-runner';

describe('ProcessRunner (a real helper process running real programs)', () => {
  const runner = new ProcessRunner();
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'process-runner-'));
  });
  afterAll(async () => {
    runner.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers stdout as bytes, many calls at once', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => runner.run('printf', ['%s\\n', `call-${i}`], { timeoutMs: 5_000 })));
    expect(results.map((r) => r.stdout.toString())).toEqual(Array.from({ length: 20 }, (_, i) => `call-${i}\n`));
  });

  it('writes stdout to a file when asked', async () => {
    const file = path.join(dir, 'out.bin');
    const { stdout } = await runner.run('head', ['-c', '300000', '/dev/zero'], { timeoutMs: 5_000, stdoutFile: file });
    expect(stdout.length).toBe(0);
    expect((await readFile(file)).length).toBe(300_000);
  });

  it('rejects a non-zero exit with its code and stderr', async () => {
    const error = await runner.run('sh', ['-c', 'echo broken >&2; exit 3'], { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessError);
    expect(error).toMatchObject({ code: 3, stderr: 'broken\n' });
  });

  it('kills a program past its timeout, past its maxBuffer, and reports one that cannot start', async () => {
    await expect(runner.run('sleep', ['30'], { timeoutMs: 200 })).rejects.toThrow(/timed out after 200 ms/);
    await expect(runner.run('head', ['-c', '5000', '/dev/zero'], { timeoutMs: 5_000, maxBuffer: 1000 })).rejects.toThrow(/maxBuffer/);
    await expect(runner.run('/nonexistent/program', [], { timeoutMs: 5_000 })).rejects.toThrow(/ENOENT/);
  });

  it('replaces a helper that died: the call in flight fails, the next one works', async () => {
    const inFlight = runner.run('sleep', ['3'], { timeoutMs: 60_000 });
    const helper = (runner as unknown as { child: { pid: number } }).child;
    process.kill(helper.pid, 'SIGKILL');
    await expect(inFlight).rejects.toThrow(/stopped/);
    const { stdout } = await runner.run('echo', ['again'], { timeoutMs: 5_000 });
    expect(stdout.toString()).toBe('again\n');
    expect((runner as unknown as { child: { pid: number } }).child.pid).not.toBe(helper.pid);
  });
});
