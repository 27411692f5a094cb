import { MigrationInterface } from 'typeorm';
import { sqlMigration } from './sql-migration';

/**
 * The outbox every service starts with: events written in the same transaction as the change
 * they describe, published after commit (DESIGN.md "How a request flows", step 4).
 */
export function outboxMigration(schema: string, timestamp: number): new () => MigrationInterface {
  return sqlMigration(`CreateOutbox${timestamp}`, {
    up: [
      `
        CREATE TABLE "${schema}"."outbox" (
          "id" bigserial PRIMARY KEY,
          "subject" text NOT NULL,
          "payload" jsonb NOT NULL,
          "created_at" timestamptz NOT NULL DEFAULT now(),
          "published_at" timestamptz
        )`,
      `CREATE INDEX "outbox_unpublished_idx" ON "${schema}"."outbox" ("id") WHERE "published_at" IS NULL`,
    ],
    down: [`DROP TABLE "${schema}"."outbox"`],
  });
}
