/**
 * Runs `task` one at a time. A `kick()` while it runs does not start a second run: it makes
 * exactly one more run happen after the current one, however many kicks came in between (a burst
 * of saves during an upload → one more upload). Errors go to `onError`; the gate stays usable.
 */
export class CoalescedTask {
  private running = false;
  private again = false;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Resolves when the run this kick started (or joined) is over. */
  async kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.runAll();
    return this.current;
  }

  /** Resolves when no run is going on nor due (including the one more run a kick asked for). */
  async idle(): Promise<void> {
    while (this.running) await this.current;
  }

  private async runAll(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.task().catch((error: unknown) => this.onError(error instanceof Error ? error : new Error(String(error))));
      } while (this.again);
    } finally {
      this.running = false;
    }
  }
}
