import { adminQuery } from './database';

// Loaded by the medium project's global teardown, where @quire/* paths do not resolve: relative
// imports of pg-only modules only.

/** This jest run's id (set by the medium global setup), in template database names. */
export function runId(): string {
  return (process.env.QUIRE_TEST_RUN_ID ?? 'adhoc').replace(/[^a-z0-9]/gi, '').toLowerCase();
}

/** Drops the template databases of this jest run. */
export async function dropRunTemplates(): Promise<void> {
  await adminQuery(async (client) => {
    const rows = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`quire_tpl_${runId()}_%`]);
    for (const row of rows.rows as Array<{ datname: string }>) await client.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  });
}
