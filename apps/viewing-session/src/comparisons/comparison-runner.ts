import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DomainError, ErrorCode } from '@quire/errors';
import { AccountScope, TransactionHost } from '@quire/platform';
import { RenditionNotReady, Renditions } from '../renditions/renditions.api';
import { ViewingSessionEnv } from '../viewing-session.env';
import { Comparison } from './comparison.entity';
import { ComparisonsRepository } from './comparisons.repository';
import { DiffCarry, diffStep, PositionedWord } from './word-diff';

type Side = 'original' | 'revised';

interface Progress {
  carry: DiffCarry;
  next: Record<Side, number>;
  count: Record<Side, number>;
}

/** How long one text / page-count read waits for a rendition before trying again. */
const READ_WAIT_MS = 5000;
/** How long shutdown waits for the windows in flight. */
const SHUTDOWN_WAIT_MS = 3000;

/**
 * Computes comparisons in the background, window by window (ADR 020): each window reads a few
 * pages of each side (the side that lags in words first; one text call per side), diffs the carried words (`diffStep`) and writes its
 * revisions with the carry in one transaction, so revisionData answers the first changes while
 * the rest is computed. A comparison is computed by the replica holding its lease, renewed while
 * it works; a replica that dies leaves a lease that expires, and the next revisionData call on any
 * replica takes it and goes on from the last window written.
 */
@Injectable()
export class ComparisonRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(ComparisonRunner.name);
  private readonly owner = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly comparisons: ComparisonsRepository,
    private readonly renditions: Renditions,
    private readonly env: ViewingSessionEnv,
    private readonly db: TransactionHost,
  ) {}

  /** Whether this replica is computing that comparison now. */
  isRunningHere(sessionId: string): boolean {
    return this.running.has(sessionId);
  }

  /** Starts computing here unless it is done, already running here, or leased by another replica. */
  ensureRunning(comparison: Comparison): void {
    const id = comparison.sessionId;
    if (comparison.state !== 'running' || this.stopping || this.running.has(id)) return;
    const scope: AccountScope = { accountId: comparison.accountId };
    const job = (async () => {
      const claimed = await this.comparisons.claim(scope, id, this.owner, this.env.VIEWING_COMPARISON_LEASE_SECONDS);
      if (claimed) await this.run(scope, claimed);
    })()
      .catch((error: unknown) => this.logger.warn({ sessionId: id, error: (error as Error).message }, 'comparison paused; the next revisionData call resumes it'))
      .finally(() => this.running.delete(id));
    this.running.set(id, job);
  }

  /** Stops after the window in flight (its lease released); a job still waiting for a rendition is not waited for long. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running.values()]), new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private async run(scope: AccountScope, comparison: Comparison): Promise<void> {
    const id = comparison.sessionId;
    const leaseSeconds = this.env.VIEWING_COMPARISON_LEASE_SECONDS;
    let lost = false;
    const heartbeat = setInterval(() => {
      void this.comparisons
        .claim(scope, id, this.owner, leaseSeconds)
        .then((held) => (lost ||= !held))
        .catch(() => undefined);
    }, (leaseSeconds * 1000) / 3);
    const renditionOf: Record<Side, string> = { original: comparison.originalRenditionId, revised: comparison.revisedRenditionId };
    const gone = () => lost || this.stopping;
    try {
      const progress: Progress = {
        carry: comparison.carry,
        next: { original: comparison.nextOriginalPage, revised: comparison.nextRevisedPage },
        count: {
          original: comparison.originalPageCount ?? (await this.pageCount(scope, renditionOf.original, gone)),
          revised: comparison.revisedPageCount ?? (await this.pageCount(scope, renditionOf.revised, gone)),
        },
      };
      for (;;) {
        if (gone()) return;
        // Two reads a window: the side that lags in words, then the one that lags after that
        // (the same side again after a long insertion on it), each a range of pages in one call.
        for (let read = 0; read < 2; read++) {
          const side = this.lagging(progress);
          if (!side) break;
          const from = progress.next[side];
          const to = Math.min(from + this.env.VIEWING_COMPARISON_WINDOW_PAGES, progress.count[side]) - 1;
          const words = await this.pageWords(scope, renditionOf[side], from, to, gone);
          progress.carry = { ...progress.carry, [side]: [...progress.carry[side], ...words] };
          progress.next[side] = to + 1;
        }
        const final = this.lagging(progress) === undefined;
        const step = diffStep(progress.carry, {
          final,
          anchorWords: this.env.VIEWING_COMPARISON_ANCHOR_WORDS,
          maxCarryWords: this.env.VIEWING_COMPARISON_MAX_CARRY_WORDS,
        });
        progress.carry = step.carry;
        const written = await this.db.withTransaction(() =>
          this.comparisons.checkpoint(scope, id, this.owner, leaseSeconds, {
            revisions: step.revisions,
            carry: step.carry,
            nextOriginalPage: progress.next.original,
            nextRevisedPage: progress.next.revised,
            originalPageCount: progress.count.original,
            revisedPageCount: progress.count.revised,
            complete: final,
          }),
        );
        if (!written || final) return;
      }
    } catch (error) {
      const failure = lastingFailure(error);
      if (failure) {
        await this.comparisons.fail(scope, id, this.owner, failure);
        return;
      }
      await this.comparisons.release(scope, id, this.owner).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(heartbeat);
      if (this.stopping) await this.comparisons.release(scope, id, this.owner).catch(() => undefined);
    }
  }

  /** The side to read next: the one with pages left and fewer carried words (they stay aligned). */
  private lagging(progress: Progress): Side | undefined {
    const left = (side: Side) => progress.next[side] < progress.count[side];
    if (left('original') && left('revised')) return progress.carry.revised.length < progress.carry.original.length ? 'revised' : 'original';
    return left('original') ? 'original' : left('revised') ? 'revised' : undefined;
  }

  private pageCount(scope: AccountScope, renditionId: string, gone: () => boolean): Promise<number> {
    return this.whenReady(gone, async () => (await this.renditions.documentAttributes(scope, renditionId, { waitMs: READ_WAIT_MS })).pageCount);
  }

  private pageWords(scope: AccountScope, renditionId: string, from: number, to: number, gone: () => boolean): Promise<PositionedWord[]> {
    return this.whenReady(gone, async () => {
      const pages = await this.renditions.text(scope, renditionId, from, to, { waitMs: READ_WAIT_MS });
      return pages.flatMap((text) => text.words.map((word) => ({ text: word.text, page: text.page, x: word.x, y: word.y, width: word.width, height: word.height })));
    });
  }

  /** Retries a read while the rendition is still converting (its lease kept by the heartbeat). */
  private async whenReady<T>(gone: () => boolean, read: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await read();
      } catch (error) {
        if (!(error instanceof RenditionNotReady) || gone()) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }
}

/** A failure that another attempt cannot fix (the document cannot be converted, or is gone). */
function lastingFailure(error: unknown): { code: string; message: string } | undefined {
  if (!(error instanceof DomainError) || error instanceof RenditionNotReady) return undefined;
  const named = typeof error.details['errorCode'] === 'string' ? error.details['errorCode'] : undefined;
  if (error.code === ErrorCode.InvalidFileType) return { code: named ?? 'ConversionFailed', message: error.message };
  if (error.code === ErrorCode.BadRequest && named) return { code: named, message: error.message };
  return undefined;
}
