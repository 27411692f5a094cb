import { Principal } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { requireDirectoryReader, requireTokenManager, requireUserAdmin } from './permissions';

const who = (roles: string[], userId = 'u1'): Principal => ({ userId, accountId: 'a', roles, scopes: [] });

function outcome(check: () => void): string {
  try {
    check();
    return 'ok';
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other';
  }
}

describe('permissions', () => {
  it('lets admins manage users, and nobody else', () => {
    expect(outcome(() => requireUserAdmin(who(['admin'])))).toBe('ok');
    expect(outcome(() => requireUserAdmin(who(['user'])))).toBe(ErrorCode.Forbidden);
  });

  it('lets users and admins read the directory, not a principal without a role (edit-session tokens)', () => {
    expect(outcome(() => requireDirectoryReader(who(['user'])))).toBe('ok');
    expect(outcome(() => requireDirectoryReader(who(['admin'])))).toBe('ok');
    expect(outcome(() => requireDirectoryReader(who([])))).toBe(ErrorCode.Forbidden);
  });

  it('lets a user manage their own tokens, and admins anyone’s', () => {
    expect(outcome(() => requireTokenManager(who(['user'], 'u1'), 'u1'))).toBe('ok');
    expect(outcome(() => requireTokenManager(who(['user'], 'u1'), 'u2'))).toBe(ErrorCode.Forbidden);
    expect(outcome(() => requireTokenManager(who(['admin'], 'u1'), 'u2'))).toBe('ok');
  });
});
