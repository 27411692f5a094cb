import { Injectable, Logger } from '@nestjs/common';
import { RevisionDataReply, RevisionDataRequest } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { AccountScope } from '@quire/platform';
import { RenditionNotReady } from '../renditions/renditions.api';
import { ViewingSessionsRepository } from '../sessions/viewing-sessions.repository';
import { documentNotFound, viewingInputError } from '../sessions/viewing-errors';
import { ViewingSessionEnv } from '../viewing-session.env';
import { Comparison } from './comparison.entity';
import { ComparisonRunner } from './comparison-runner';
import { ComparisonsRepository } from './comparisons.repository';
import { readContinueToken, writeContinueToken } from './continue-token';

/** What a client is told to wait before asking again for revisions not computed yet. */
const RETRY_AFTER_SECONDS = 1;

/**
 * `GET /pas/v2/viewingSessions/{id}/revisionData` (a viewer call: the session id is the
 * credential). Answers the revisions computed so far from the token's position; while the
 * comparison runs every answer carries a continueToken, and a call past what is computed is
 * 480 `NotReady` with Retry-After, like a page that is not rendered yet (ADR 020).
 */
@Injectable()
export class ComparisonsService {
  private readonly logger = new Logger(ComparisonsService.name);

  constructor(
    private readonly sessions: ViewingSessionsRepository,
    private readonly comparisons: ComparisonsRepository,
    private readonly runner: ComparisonRunner,
    private readonly env: ViewingSessionEnv,
  ) {}

  async revisionData(request: RevisionDataRequest): Promise<RevisionDataReply> {
    const limit = request.limit ?? Math.min(this.env.VIEWING_REVISION_DATA_DEFAULT_LIMIT, this.env.VIEWING_REVISION_DATA_MAX_LIMIT);
    if (limit > this.env.VIEWING_REVISION_DATA_MAX_LIMIT) {
      throw viewingInputError('InvalidInput', `limit is at most ${this.env.VIEWING_REVISION_DATA_MAX_LIMIT}`, { in: 'query', at: 'limit' });
    }
    const session = await this.sessions.findLiveById(request.viewingSessionId);
    if (!session) throw documentNotFound();
    if (session.kind !== 'comparison') throw viewingInputError('IncorrectUsage', 'revisionData is for comparison sessions only');
    const comparison = await this.comparison(session, session.id);
    if (!comparison) throw new RenditionNotReady(RETRY_AFTER_SECONDS, { reason: 'a document of the comparison has not been uploaded yet' });
    const from = request.continueToken === undefined ? 0 : readContinueToken(comparison.tokenKey, session.id, request.continueToken);
    if (from === undefined) throw viewingInputError('InvalidInput', 'continueToken is not one this session answered', { in: 'query', at: 'continueToken' });
    this.runner.ensureRunning(comparison);
    // The state is read before the rows: a comparison seen complete has every row stored.
    const revisions = await this.comparisons.revisions(session, session.id, from, limit + 1);
    const more = revisions.length > limit || comparison.state === 'running';
    if (!revisions.length && comparison.state === 'running') throw new RenditionNotReady(RETRY_AFTER_SECONDS);
    if (!revisions.length && comparison.state === 'error') throw comparisonFailed(comparison);
    const page = revisions.slice(0, limit);
    return { revisions: page, ...(more ? { continueToken: writeContinueToken(comparison.tokenKey, session.id, from + page.length) } : {}) };
  }

  /**
   * Starts computing a comparison session's changes as soon as both documents are known (after
   * create, after the second upload), so the viewer's first revisionData call finds some ready.
   * Never fails the caller: a revisionData call starts (or resumes) it as well.
   */
  async startWhenReady(scope: AccountScope, sessionId: string): Promise<void> {
    try {
      const comparison = await this.comparison(scope, sessionId);
      if (comparison) this.runner.ensureRunning(comparison);
    } catch (error) {
      this.logger.warn({ sessionId, error: (error as Error).message }, 'comparison not started; revisionData will start it');
    }
  }

  /** The session's comparison; made once both documents have renditions (undefined before). */
  private async comparison(scope: AccountScope, sessionId: string): Promise<Comparison | undefined> {
    const existing = await this.comparisons.find(scope, sessionId);
    if (existing) return existing;
    const sources = await this.sessions.sources(scope, sessionId);
    const original = sources.find((source) => source.slot === 'original')?.renditionId;
    const revised = sources.find((source) => source.slot === 'revised')?.renditionId;
    if (!original || !revised) return undefined;
    return this.comparisons.findOrCreate(scope, sessionId, { original, revised });
  }
}

function comparisonFailed(comparison: Comparison): DomainError {
  return new DomainError(ErrorCode.InvalidFileType, comparison.errorMessage ?? 'The documents could not be compared', { errorCode: comparison.errorCode ?? 'ConversionFailed' });
}
