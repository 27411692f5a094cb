import { FileSignature, waitUntilStable } from './stable-file';

/** A fake clock: sleep advances it, so the test runs instantly and deterministically. */
function fakeTime() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

describe('waitUntilStable', () => {
  it('returns once size and mtime have not changed for stableMs', async () => {
    const time = fakeTime();
    const states: (FileSignature | undefined)[] = [
      undefined, // being renamed into place
      { size: 10, mtimeMs: 1 },
      { size: 20, mtimeMs: 2 }, // still being written
      { size: 20, mtimeMs: 2 },
    ];
    let calls = 0;
    const signature = async () => states[Math.min(calls++, states.length - 1)];
    const result = await waitUntilStable(signature, { stableMs: 500, pollMs: 100, timeoutMs: 10_000, ...time });
    expect(result).toEqual({ size: 20, mtimeMs: 2 });
    // Stable from t=200 (third read) to at least t=700.
    expect(time.now()).toBeGreaterThanOrEqual(700);
    expect(time.now()).toBeLessThan(900);
  });

  it('gives up (undefined) when the file keeps changing or never appears', async () => {
    const time = fakeTime();
    let size = 0;
    const growing = async () => ({ size: size++, mtimeMs: size });
    expect(await waitUntilStable(growing, { stableMs: 300, pollMs: 100, timeoutMs: 2_000, ...time })).toBeUndefined();
    const missing = async () => undefined;
    expect(await waitUntilStable(missing, { stableMs: 300, pollMs: 100, timeoutMs: 2_000, ...fakeTime() })).toBeUndefined();
  });
});
