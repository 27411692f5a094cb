import { waitFor } from '@quire/testing';
import { ViewRecord } from '../files/files.repository';
import { ViewLog } from './view-log';

const view = (fileId: string): ViewRecord => ({ accountId: 'acc', fileId, variant: null, viewedAt: new Date(0) });

describe('ViewLog', () => {
  it('returns at once and writes what arrives meanwhile in one batch, in order', async () => {
    const writes: string[][] = [];
    let release!: () => void;
    const firstWrite = new Promise<void>((resolve) => (release = resolve));
    const log = new ViewLog(
      async (views) => {
        writes.push(views.map((v) => v.fileId));
        if (writes.length === 1) await firstWrite;
      },
      { log: jest.fn(), error: jest.fn(), warn: jest.fn() },
    );
    log.record(view('a'));
    expect(writes).toEqual([]); // nothing written on the caller's turn
    await waitFor(() => writes.length === 1, { timeoutMs: 2000, intervalMs: 5 });
    expect(writes).toEqual([['a']]);
    log.record(view('b'));
    log.record(view('c'));
    release();
    await log.flush();
    expect(writes).toEqual([['a'], ['b', 'c']]);
  });

  it('views recorded within the batch window share one insert', async () => {
    const writes: string[][] = [];
    const log = new ViewLog(async (views) => void writes.push(views.map((v) => v.fileId)), { log: jest.fn(), error: jest.fn(), warn: jest.fn() });
    log.record(view('x'));
    await Promise.resolve();
    log.record(view('y'));
    await log.flush();
    expect(writes).toEqual([['x', 'y']]);
  });

  it('logs a failed write with every row it held, and goes on with the next', async () => {
    const error = jest.fn();
    const written: string[] = [];
    let fail = true;
    const log = new ViewLog(
      async (views) => {
        if (fail) {
          fail = false;
          throw new Error('database down');
        }
        written.push(...views.map((v) => v.fileId));
      },
      { log: jest.fn(), error, warn: jest.fn() },
    );
    log.record(view('lost'));
    await log.flush();
    log.record(view('kept'));
    await log.flush();
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]![0]).toMatchObject({ views: [view('lost')] });
    expect(written).toEqual(['kept']);
  });
});
