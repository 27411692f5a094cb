import { CoalescedTask } from './coalesced-task';

describe('CoalescedTask', () => {
  it('turns any number of kicks during a run into exactly one more run', async () => {
    const releases: (() => void)[] = [];
    let runs = 0;
    const task = new CoalescedTask(
      () => {
        runs++;
        return new Promise<void>((resolve) => releases.push(resolve));
      },
      () => undefined,
    );
    const first = task.kick();
    expect(runs).toBe(1);
    void task.kick();
    void task.kick();
    void task.kick();
    expect(runs).toBe(1); // nothing in parallel
    releases[0]();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(2);
    releases[1]();
    await first;
    expect(runs).toBe(2);
  });

  it('reports errors and keeps working', async () => {
    const errors: string[] = [];
    let fail = true;
    let runs = 0;
    const task = new CoalescedTask(
      async () => {
        runs++;
        if (fail) throw new Error('disk full');
      },
      (error) => errors.push(error.message),
    );
    await task.kick();
    fail = false;
    await task.kick();
    expect(errors).toEqual(['disk full']);
    expect(runs).toBe(2);
  });

  it('idle() waits for the run going on and the one more run a kick asked for', async () => {
    const releases: (() => void)[] = [];
    const task = new CoalescedTask(() => new Promise<void>((resolve) => releases.push(resolve)), () => undefined);
    await task.idle(); // nothing running: resolves at once
    void task.kick();
    void task.kick();
    let idle = false;
    const waiting = task.idle().then(() => (idle = true));
    releases[0]();
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false); // the second run is going on
    releases[1]();
    await waiting;
    expect(releases).toHaveLength(2);
  });
});
