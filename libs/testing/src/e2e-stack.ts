import { createTestDatabase, TestDatabase } from './database';
import { RunningApp, startApp } from './processes';
import { removeBucket, testEnv, testS3Client } from './stack';

/**
 * What every process-level spec (e2e / int) sets up and tears down: a fresh database, a test env
 * on it (unique bucket, NATS prefix, ports), the services as real processes. `open()` in
 * `beforeAll`, `close()` in `afterAll` (safe after a failed `open()`: stops what started, drops
 * the database, removes the bucket).
 */
export class E2eStack {
  database?: TestDatabase;
  /** The env every process gets (read it after `open()`). */
  env!: Record<string, string>;
  readonly apps: RunningApp[] = [];

  get databaseUrl(): string {
    if (!this.database) throw new Error('E2eStack.open() has not run');
    return this.database.url;
  }

  /**
   * `adminDatabaseUrl`: the Postgres to create the database on (a fault test's private one);
   * the shared one otherwise.
   */
  async open(label: string, overrides: Record<string, string> = {}, options: { adminDatabaseUrl?: string } = {}): Promise<Record<string, string>> {
    this.database = await createTestDatabase(label, options.adminDatabaseUrl);
    this.env = testEnv({ DATABASE_URL: this.database.url, ...overrides });
    return this.env;
  }

  /** Starts the named services in parallel (a name twice: two replicas), in the order given. */
  async start(...names: string[]): Promise<RunningApp[]> {
    const started = await Promise.all(names.map((name) => startApp(name, this.env)));
    this.apps.push(...started);
    return started;
  }

  /** Starts one more process of `name` (after a kill, say) with the same env. */
  async restart(name: string): Promise<RunningApp> {
    const [app] = await this.start(name);
    return app!;
  }

  async close(): Promise<void> {
    await Promise.all(this.apps.map((app) => app.stop()));
    await this.database?.drop().catch(() => undefined);
    if (this.env) await removeBucket(testS3Client(this.env.S3_ENDPOINT), this.env.S3_BUCKET);
  }
}
