import { isEditSessionPrincipal } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';

/**
 * The Word agent's session token is good for its own upload route only: on the browser routes
 * (start, end, take over, history) it is refused, so a leaked agent token cannot start sessions.
 */
export function assertUserPrincipal(principal: Principal): Principal {
  if (isEditSessionPrincipal(principal)) {
    throw DomainError.forbidden('An edit-session token can only upload files', { reason: 'edit-session tokens are for POST /agent/{edit_id} only' });
  }
  return principal;
}
