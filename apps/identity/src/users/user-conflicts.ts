import { DomainError } from '@quire/errors';

/** The 409 of a unique violation on a user's login name or email. */
export function conflictFor(constraint: string): DomainError {
  const field = constraint.includes('email') ? 'email' : 'loginName';
  return DomainError.conflict(`A user with this ${field === 'email' ? 'email address' : 'login name'} already exists`, { field });
}
