import { Principal } from '@quire/contracts';
import { AccountUsers } from '../../src/files/account-users';

/**
 * Identity's user directory for medium tests (the file service's own rules are what is tested;
 * the NATS call to the real identity is covered end to end in test/e2e/file-upload.e2e-spec.ts).
 */
export class AccountUsersDirectory extends AccountUsers {
  private readonly byAccount = new Map<string, Set<string>>();

  add(principal: Principal): Principal {
    const users = this.byAccount.get(principal.accountId) ?? new Set<string>();
    users.add(principal.userId);
    this.byAccount.set(principal.accountId, users);
    return principal;
  }

  async unknownOf(principal: Principal, userIds: string[]): Promise<string[]> {
    const users = this.byAccount.get(principal.accountId);
    return userIds.filter((id) => !users?.has(id));
  }
}
