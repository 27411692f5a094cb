import { Logger } from '@nestjs/common';

/**
 * The pages a conversion left to render after page 0, rendered `concurrency` at a time by this
 * replica. A page is "scheduled" from `add` until its render ends (a request for it waits a
 * little rather than rendering it twice).
 */
export class BackgroundRenders {
  private readonly logger = new Logger(BackgroundRenders.name);
  private readonly waiting: Array<() => Promise<void>> = [];
  private readonly scheduled = new Set<string>();
  private running = 0;

  constructor(private readonly concurrency: number) {}

  /** Pages scheduled or rendering now (0: this replica's background is idle). */
  get pending(): number {
    return this.scheduled.size;
  }

  isScheduled(renditionId: string, page: number): boolean {
    return this.scheduled.has(`${renditionId}/${page}`);
  }

  add(renditionId: string, page: number, render: () => Promise<unknown>): void {
    const name = `${renditionId}/${page}`;
    this.scheduled.add(name);
    this.waiting.push(async () => {
      try {
        await render();
      } finally {
        this.scheduled.delete(name);
      }
    });
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length) {
      const task = this.waiting.shift()!;
      this.running += 1;
      void task()
        .catch((error: Error) => this.logger.warn(`Background render failed: ${error.message}`))
        .finally(() => {
          this.running -= 1;
          this.pump();
        });
    }
  }
}
