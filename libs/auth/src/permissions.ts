import { Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';

export const Roles = {
  Admin: 'admin',
  User: 'user',
} as const;

/** May take over another user's Word edit session of a lab report (word-edit). */
export const REPORT_EDITOR_ROLE = 'report_editor';

/** Roles every account has from its creation (identity.provision_account; report_editor since ADR 018). */
export const BuiltInRoles = [Roles.Admin, Roles.User, REPORT_EDITOR_ROLE] as const;

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

/** Managing users, their status, teams and other users' tokens: admins only. */
export function requireUserAdmin(principal: Principal): void {
  requireRole(principal, Roles.Admin);
}

/** Reading the account's user directory (users, roles, teams): any user of the account. */
export function requireDirectoryReader(principal: Principal): void {
  if (!isAdmin(principal) && !hasRole(principal, Roles.User)) throw DomainError.forbidden('Requires role user');
}

/** A token for `userId`: the user themself or an admin of the account. */
export function requireTokenManager(principal: Principal, userId: string): void {
  if (principal.userId !== userId && !isAdmin(principal)) throw DomainError.forbidden('Only admins manage tokens of other users');
}

/**
 * Takeover passes a session (and its lease) to the caller: admins and report editors only. The
 * previous author's uploads stay as versions; their token stops working at once.
 */
export function canTakeOverEditSession(principal: Principal): boolean {
  return isAdmin(principal) || hasRole(principal, REPORT_EDITOR_ROLE);
}

/** True when the principal came from an edit-session token (the Word agent), not a user login. */
export function isEditSessionPrincipal(principal: Principal): boolean {
  return principal.scopes.some((scope) => scope.startsWith('edit_session:'));
}
