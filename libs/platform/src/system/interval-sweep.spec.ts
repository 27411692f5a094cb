import { Logger } from '@nestjs/common';
import { IntervalSweep } from './interval-sweep';

async function until(condition: () => boolean, deadlineMs = 2000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('IntervalSweep', () => {
  const logger = { log: jest.fn(), warn: jest.fn() } as unknown as Logger & { log: jest.Mock; warn: jest.Mock };
  const messages = { countKey: 'swept', doneMessage: 'Swept', failedMessage: 'Sweep failed' };

  beforeEach(() => jest.clearAllMocks());

  it('runs one round at a time, logs what a round handled, and stop() waits for the round in flight', async () => {
    let active = 0;
    let maxActive = 0;
    let rounds = 0;
    let release!: () => void;
    const sweep = new IntervalSweep(logger, {
      ...messages,
      intervalMs: 1,
      round: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        rounds++;
        await new Promise<void>((resolve) => (release = resolve));
        active--;
        return rounds === 1 ? 3 : 0;
      },
    });
    sweep.start();
    await until(() => rounds === 1);
    await new Promise((resolve) => setTimeout(resolve, 20)); // ticks during the round are skipped
    expect(rounds).toBe(1);
    let stopped = false;
    const stopping = sweep.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(maxActive).toBe(1);
    expect(logger.log).toHaveBeenCalledWith({ swept: 3 }, 'Swept');
  });

  it('logs a failed round and retries on the next interval', async () => {
    let rounds = 0;
    const sweep = new IntervalSweep(logger, {
      ...messages,
      intervalMs: 1,
      round: async () => {
        rounds++;
        if (rounds === 1) throw new Error('boom');
        return 0;
      },
    });
    sweep.start();
    await until(() => rounds >= 2);
    await sweep.stop();
    expect(logger.warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'Sweep failed');
    expect(logger.log).not.toHaveBeenCalled();
  });
});
