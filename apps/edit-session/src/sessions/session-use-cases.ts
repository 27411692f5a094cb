import { EndSessionUseCase } from './end-session.use-case';
import { ExpireSessionsUseCase } from './expire-sessions.use-case';
import { KeepAliveUseCase } from './keep-alive.use-case';
import { RevokeUserSessionsUseCase } from './revoke-user-sessions.use-case';
import { StartSessionUseCase } from './start-session.use-case';
import { TakeOverSessionUseCase } from './take-over-session.use-case';

/** The use cases of a session's life (start, keepalive, take-over, end, expiry, revocation); the medium tests register the same list. */
export const sessionUseCases = [
  StartSessionUseCase,
  EndSessionUseCase,
  TakeOverSessionUseCase,
  ExpireSessionsUseCase,
  RevokeUserSessionsUseCase,
  KeepAliveUseCase,
];
