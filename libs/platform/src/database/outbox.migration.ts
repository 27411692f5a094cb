import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox every service starts with: events written in the same transaction as the change
 * they describe, published after commit (DESIGN.md "How a request flows", step 4).
 */
export function outboxMigration(schema: string, timestamp: number): new () => MigrationInterface {
  const name = `CreateOutbox${timestamp}`;
  const migration = class implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`
        CREATE TABLE "${schema}"."outbox" (
          "id" bigserial PRIMARY KEY,
          "subject" text NOT NULL,
          "payload" jsonb NOT NULL,
          "created_at" timestamptz NOT NULL DEFAULT now(),
          "published_at" timestamptz
        )`);
      await queryRunner.query(
        `CREATE INDEX "outbox_unpublished_idx" ON "${schema}"."outbox" ("id") WHERE "published_at" IS NULL`,
      );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE "${schema}"."outbox"`);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
