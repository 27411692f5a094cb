import { Client } from 'pg';

// Loaded by the medium project's global teardown, where @quire/* paths do not resolve: pg only.
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** This jest run's id (set by the medium global setup), in template database names. */
export function runId(): string {
  return (process.env.QUIRE_TEST_RUN_ID ?? 'adhoc').replace(/[^a-z0-9]/gi, '').toLowerCase();
}

/** Drops the template databases of this jest run. */
export async function dropRunTemplates(): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const rows = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`quire_tpl_${runId()}_%`]);
    for (const row of rows.rows as Array<{ datname: string }>) await client.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
