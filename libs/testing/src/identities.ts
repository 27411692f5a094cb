import { Client } from 'pg';
import { hashPassword, issueApiToken, loginSessionScope } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { uniqueId } from './stack';

/** A signed-in test user: every way to present it, and who it is. */
export interface TestIdentity {
  /** Login token from `POST /rest/ng/sessions`: `Authorization: Bearer`, `X-OS-API-TOKEN`, or any family header. */
  token: string;
  /** Personal API token `qk_…` (documents `X-Api-Token`, file-upload `X-ApiToken`, rest-auth `X-OS-API-TOKEN`). */
  apiToken: string;
  principal: Principal;
  /** The account's code (`X-AccountCode`). */
  accountCode: string;
  /** The user's password (to test logins); the user is active. */
  password: string;
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

/** Rate limit of the seeded API token: tests should hit the gateway's limits, not the 50 / min default. */
const TEST_TOKEN_RATE_LIMIT = 100_000;

/**
 * The one way tests get a caller. It needs the identity service and the gateway running on
 * `stack.env.DATABASE_URL`. It seeds, straight into the identity schema (test-only), the account
 * (`identity.provision_account`, so the same key gives the same account), any missing role, an
 * active user with a random password and an API token; then logs in through the gateway
 * (`POST /rest/ng/sessions`), so `token` is a real login token of a live session.
 */
export async function signInAs(stack: TestStack, options: SignInOptions = {}): Promise<TestIdentity> {
  const accountCode = options.account ?? `acct-${uniqueId()}`;
  const loginName = options.loginName ?? `user-${uniqueId()}`;
  const roles = [...new Set(options.roles ?? ['user'])].sort();
  const displayName = options.displayName ?? `Test ${loginName}`;
  const [firstName = loginName, ...rest] = displayName.split(' ');
  const email = `${loginName}@example.test`.toLowerCase();
  const password = `Pw1-${uniqueId()}${uniqueId()}`;
  const apiToken = issueApiToken();
  const client = new Client({ connectionString: stack.env.DATABASE_URL });
  await client.connect();
  let userId: string;
  let accountId: string;
  try {
    await client.query('BEGIN');
    accountId = (await client.query<{ id: string }>(`SELECT "identity"."provision_account"($1, $1) AS "id"`, [accountCode])).rows[0]!.id;
    await client.query(
      `INSERT INTO "identity"."roles" ("account_id", "name") SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
      [accountId, roles],
    );
    userId = (
      await client.query<{ id: string }>(
        `INSERT INTO "identity"."users" ("account_id", "domain_id", "login_name", "email", "first_name", "last_name", "status", "password_hash")
         SELECT $1, d."id", $2, $3, $4, $5, 'active', $6 FROM "identity"."auth_domains" d WHERE d."account_id" = $1 AND d."name" = 'openspecimen'
         ON CONFLICT ("account_id", lower("login_name")) DO UPDATE SET "password_hash" = EXCLUDED."password_hash", "status" = 'active'
         RETURNING "id"`,
        [accountId, loginName, email, firstName, rest.join(' '), await hashPassword(password)],
      )
    ).rows[0]!.id;
    await client.query(
      `INSERT INTO "identity"."user_roles" ("account_id", "user_id", "role_id")
       SELECT $1, $2, r."id" FROM "identity"."roles" r WHERE r."account_id" = $1 AND r."name" = ANY($3::text[]) ON CONFLICT DO NOTHING`,
      [accountId, userId, roles],
    );
    await client.query(
      `INSERT INTO "identity"."api_tokens" ("id", "account_id", "user_id", "name", "token_hash", "rate_limit_per_minute") VALUES ($1, $2, $3, 'signInAs', $4, $5)`,
      [apiToken.id, accountId, userId, apiToken.hash, TEST_TOKEN_RATE_LIMIT],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  const response = await fetch(`${stack.gatewayUrl}/rest/ng/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-accountcode': accountCode },
    body: JSON.stringify({ loginName, password }),
  });
  if (response.status !== 200) throw new Error(`signInAs: login answered ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  const sessionId = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string }).sid;
  const principal: Principal = {
    userId,
    accountId,
    roles,
    scopes: [loginSessionScope(sessionId)],
    accountCode,
    loginName,
    email,
    displayName: `${firstName} ${rest.join(' ')}`.trim(),
  };
  return { token, apiToken: apiToken.token, principal, accountCode, password };
}
