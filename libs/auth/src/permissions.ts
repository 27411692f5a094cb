import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';

export const Roles = {
  Admin: 'admin',
  User: 'user',
} as const;

export function hasRole(principal: Principal, role: string): boolean {
  return principal.roles.includes(role);
}

export function isAdmin(principal: Principal): boolean {
  return hasRole(principal, Roles.Admin);
}

/** Throws FORBIDDEN unless the principal has the role. */
export function requireRole(principal: Principal, role: string): void {
  if (!hasRole(principal, role)) throw DomainError.forbidden(`Requires role ${role}`);
}

/** Throws NOT_FOUND (not FORBIDDEN: no existence leak) when a row belongs to another account. */
export function requireSameAccount(principal: Principal, accountId: string, what: string): void {
  if (principal.accountId !== accountId) throw DomainError.notFound(what);
}
