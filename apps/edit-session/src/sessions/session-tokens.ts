import { Injectable } from '@nestjs/common';
import { editSessionOf, QuireJwt, signEditSessionToken } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { EditSessionEnv } from '../edit-session.env';
import { EditSession } from './edit-session.entity';

/**
 * Edit-session JWTs. None is stored: a token is re-signed from the session row when its author
 * asks again, and it is only good while the row is active and still holds its `jti`.
 */
@Injectable()
export class SessionTokens {
  private readonly jwt: QuireJwt;

  constructor(env: EditSessionEnv) {
    this.jwt = new QuireJwt({ secret: env.JWT_SECRET });
  }

  /** A token for the session's author that expires when the session can live no longer. */
  sign(session: EditSession, now = Date.now()): string {
    const seconds = Math.max(1, Math.floor((session.maxExpiresAt.getTime() - now) / 1000));
    return signEditSessionToken(
      this.jwt,
      {
        user_id: session.authorUserId,
        lab_report_id: session.labReportId,
        session_id: session.id,
        acc: session.accountId,
        jti: session.tokenId,
      },
      seconds,
    );
  }
}

/**
 * The agent may save to `editId` only with the current token of that session: same account, same
 * session, same token id, session active and not expired. Every failure is the same 403.
 */
export function assertAgentMaySave(principal: Principal, editId: string, session: EditSession | null, now = new Date()): asserts session is EditSession {
  const token = editSessionOf(principal);
  const ok =
    token !== undefined &&
    token.sessionId === editId &&
    session !== null &&
    session.accountId === principal.accountId &&
    session.isActive &&
    session.expiresAt > now &&
    session.tokenId === token.tokenId &&
    session.authorUserId === principal.userId;
  if (!ok) throw DomainError.forbidden('The edit session is not active or this token is no longer valid', { reason: 'session inactive, expired or token replaced' });
}
