import { MigrationInterface, QueryRunner } from 'typeorm';

/** What a plain-SQL migration runs: its statements, in order, each way. */
export interface MigrationSql {
  up: string[];
  down: string[];
}

/**
 * A TypeORM migration class that only runs fixed SQL, so a migration file is its name and its
 * statements. `name` is what deployed databases recorded: it is both the instance's `name` and the
 * class name, as with a hand-written `class CreateX123 implements MigrationInterface`.
 */
export function sqlMigration(name: string, sql: MigrationSql): new () => MigrationInterface {
  const migration = class implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of sql.up) await queryRunner.query(statement);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const statement of sql.down) await queryRunner.query(statement);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
