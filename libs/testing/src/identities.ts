import { QuireJwt } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { TEST_JWT_SECRET, uniqueId } from './stack';

/** A signed-in test user: every way to present it, and who it is. */
export interface TestIdentity {
  /** Login token: `Authorization: Bearer`, `X-OS-API-TOKEN`, or any family header. */
  token: string;
  /** Opaque API token (documents `X-Api-Token`, file-upload `X-ApiToken`). */
  apiToken: string;
  principal: Principal;
  /** The account's code (`X-AccountCode`). */
  accountCode: string;
}

export interface TestStack {
  gatewayUrl: string;
  /** The env the apps were started with (testEnv + DATABASE_URL). */
  env: Record<string, string>;
}

export interface SignInOptions {
  /** Same key → same account (for tenant-isolation tests); default: a fresh account. */
  account?: string;
  roles?: string[];
  loginName?: string;
  displayName?: string;
}

/**
 * The one way tests get a caller. Every e2e test that needs a user calls this, so the way users
 * come to exist can change in one place.
 *
 * TODO(identity): create the account / user for real through the identity service and log in;
 * today it only mints a login JWT with the test secret.
 */
export async function signInAs(_stack: TestStack, options: SignInOptions = {}): Promise<TestIdentity> {
  const accountCode = options.account ?? `acct-${uniqueId()}`;
  const loginName = options.loginName ?? `user-${uniqueId()}`;
  const principal: Principal = {
    userId: `u-${uniqueId()}`,
    accountId: `a-${accountCode}`,
    roles: options.roles ?? ['user'],
    scopes: [],
    accountCode,
    loginName,
    email: `${loginName}@example.test`,
    displayName: options.displayName ?? `Test ${loginName}`,
  };
  const token = new QuireJwt({ secret: TEST_JWT_SECRET }).signLogin(principal, `s-${uniqueId()}`, 3600);
  return { token, apiToken: token, principal, accountCode };
}
