import { hasRole, isAdmin } from '@quire/auth';
import { FileCategory, FileTargetType, Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { Reader } from './files.repository';
import { StoredFile } from './file.entity';

/** Providers (clinic staff) and admins see and manage every file of their account. */
export function isPrivileged(principal: Principal): boolean {
  return isAdmin(principal) || hasRole(principal, 'provider');
}

export function readerOf(principal: Principal): Reader {
  return { accountId: principal.accountId, userId: principal.userId, privileged: isPrivileged(principal) };
}

/** Which targets each category may hang on. */
const targetTypesOf: Record<FileCategory, readonly FileTargetType[]> = {
  intake_attachment: ['intake', 'visit'],
  user_consent: ['user'],
  user_avatar: ['user'],
  user_document: ['user'],
};

/** The upload's target: the given one, or the caller as a user; checked against the category. */
export function resolveTarget(
  principal: Principal,
  category: FileCategory,
  targetId: string | undefined,
  targetType: FileTargetType | undefined,
): { id: string; type: FileTargetType } {
  if ((targetId === undefined) !== (targetType === undefined)) {
    throw DomainError.validation('meta.target.id and meta.target.type go together', { fields: { 'meta.target': ['both or neither'] } });
  }
  const target = targetId && targetType ? { id: targetId, type: targetType } : { id: principal.userId, type: 'user' as const };
  if (!targetTypesOf[category].includes(target.type)) {
    throw DomainError.validation(`A ${category} file belongs to a target of type ${targetTypesOf[category].join(' or ')}`, {
      fields: { 'meta.target.type': [`must be ${targetTypesOf[category].join(' or ')}`] },
    });
  }
  if (target.type === 'user' && target.id !== principal.userId && !isPrivileged(principal)) {
    throw DomainError.forbidden("Only providers and admins may add files to another user's profile");
  }
  return target;
}

/** Changes (rename, delete, share) are for the file's creator, providers and admins. */
export function requireManager(principal: Principal, file: StoredFile): void {
  if (file.creatorId !== principal.userId && !isPrivileged(principal)) {
    throw DomainError.forbidden('Only the owner of the file, a provider or an admin may change it');
  }
}
