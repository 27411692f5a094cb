import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** `url` pointing at database `name`. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Runs `work` on a fresh connection to the admin database (the shared one unless told), closed afterwards. */
export async function adminQuery<T>(work: (client: Client) => Promise<T>, adminUrl = ADMIN_DATABASE_URL): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database for one test file; `drop()` removes it (and its connections). On the
 * shared Postgres unless `adminUrl` names another server (a fault test's private one).
 */
export async function createTestDatabase(label = 'test', adminUrl = ADMIN_DATABASE_URL): Promise<TestDatabase> {
  const name = `quire_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await adminQuery((client) => client.query(`CREATE DATABASE "${name}"`), adminUrl);
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () => adminQuery((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`), adminUrl).then(() => undefined),
  };
}
