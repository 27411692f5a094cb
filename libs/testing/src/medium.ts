import { createHash, randomBytes } from 'node:crypto';
import { DynamicModule, ModuleMetadata, Provider } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ConfigModule, DatabaseModule, DatabaseOptions, dataSourceOptions, runMigrations, ServiceEnv } from '@quire/platform';
import { ADMIN_DATABASE_URL, adminQuery, TestDatabase, withDatabase } from './database';
import { runId } from './medium-templates';

/**
 * Medium tests (docs/adr/009-service-shape.md): a service's use cases against its real
 * repositories on a database cloned from a template that holds the migrated schema. The template
 * is made once per jest run, schema and set of migrations, by whichever test file needs it first,
 * under an advisory lock; every test file then clones it with `CREATE DATABASE … TEMPLATE`
 * (tens of ms instead of running the migrations).
 */

const TEMPLATE_LOCK = 0x71756972; // 'quir'

/**
 * Templates belong to one jest run (its global setup sets QUIRE_TEST_RUN_ID; its teardown drops
 * them), so runs in two worktrees never drop a template the other is cloning.
 */

function templateName(options: DatabaseOptions): string {
  const hash = createHash('sha256')
    .update(options.schema)
    .update(options.migrations.map((migration) => migration.name).join('\n'))
    .digest('hex')
    .slice(0, 8);
  return `quire_tpl_${runId()}_${options.schema}_${hash}`.slice(0, 63);
}

/** The template database of `options`' schema, migrated; made here by the first file that needs it. */
export async function migratedTemplate(options: DatabaseOptions): Promise<string> {
  const name = templateName(options);
  return adminQuery(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) return name;
      const building = `${name.slice(0, 50)}_building`;
      await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${building}"`);
      const env = Object.assign(new ServiceEnv(), { DATABASE_URL: withDatabase(ADMIN_DATABASE_URL, building), DATABASE_POOL_SIZE: 2 });
      const dataSource = new DataSource(dataSourceOptions(env, options));
      await dataSource.initialize();
      try {
        await runMigrations(dataSource);
      } finally {
        await dataSource.destroy();
      }
      await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
      return name;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  });
}

/** A fresh database with `options`' schema migrated, cloned from its template; `drop()` removes it. */
export async function createMediumDatabase(options: DatabaseOptions): Promise<TestDatabase> {
  const template = await migratedTemplate(options);
  const name = `quire_m_${options.schema}_${randomBytes(4).toString('hex')}`;
  await adminQuery((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    name,
    url: withDatabase(ADMIN_DATABASE_URL, name),
    drop: () => adminQuery((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

export interface MediumContextOptions<T extends ServiceEnv> {
  database: DatabaseOptions;
  /** The service's settings; DATABASE_URL is set to the cloned database. */
  env: T;
  envClass?: new () => T;
  /** Repositories, use cases and whatever else the tested code injects. */
  providers: Provider[];
  imports?: Array<DynamicModule | NonNullable<ModuleMetadata['imports']>[number]>;
}

export interface MediumContext {
  module: TestingModule;
  database: TestDatabase;
  dataSource: DataSource;
  get<T>(type: new (...args: never[]) => T): T;
  close(): Promise<void>;
}

/**
 * A Nest testing module over a cloned, migrated database: the service's real repositories and
 * use cases in the same transaction context as in the service, without NATS or HTTP.
 */
export async function createMediumContext<T extends ServiceEnv>(options: MediumContextOptions<T>): Promise<MediumContext> {
  const database = await createMediumDatabase(options.database);
  const env = Object.assign(options.env, { DATABASE_URL: database.url });
  try {
    const module = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(options.envClass ?? (env.constructor as new () => T), env),
        DatabaseModule.forRoot(options.database),
        ...(options.imports ?? []),
      ],
      providers: options.providers,
    }).compile();
    await module.init();
    const dataSource = module.get(DataSource);
    return {
      module,
      database,
      dataSource,
      get: (type) => module.get(type),
      close: async () => {
        await module.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
