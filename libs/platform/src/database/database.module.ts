import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions, MigrationInterface } from 'typeorm';
import { ServiceEnv } from '../config/env';
import { transactionsModule } from './transactions';

export interface DatabaseOptions {
  /** The Postgres schema this service owns; every table of the service lives in it. */
  schema: string;
  entities: DataSourceOptions['entities'];
  migrations: Array<new () => MigrationInterface>;
}

export function dataSourceOptions(env: ServiceEnv, options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: env.DATABASE_URL,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    extra: { max: env.DATABASE_POOL_SIZE, application_name: `quire-${options.schema}` },
  };
}

/**
 * TypeORM on the service's own schema, with the transaction context repositories read (`Db`);
 * migrations run at start-up through `runMigrations`.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ServiceEnv],
          useFactory: (env: ServiceEnv) => dataSourceOptions(env, options),
        }),
        transactionsModule(),
      ],
    };
  }
}

/** A stable 32-bit key for the advisory lock that serialises migrations of one schema. */
function lockKey(schema: string): number {
  let hash = 0;
  for (const char of `quire-migrations:${schema}`) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

/**
 * Creates the schema and applies pending migrations, each in its own transaction. Replicas
 * starting together take turns under a Postgres advisory lock.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const schema = (dataSource.options as { schema?: string }).schema ?? 'public';
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [lockKey(schema)]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [lockKey(schema)]).catch(() => undefined);
    await runner.release();
  }
}
