import { MigrationInterface } from 'typeorm';
import { sqlMigration } from './sql-migration';

/**
 * The upload reservations a service that accepts uploads keeps (DESIGN.md "Big payloads never
 * cross NATS"): the keys the gateway may write, until when, and the first answer its commit gave
 * (reply or domain error), so a retried commit gets that answer again and never a second row.
 */
export function uploadReservationsMigration(schema: string, timestamp: number): new () => MigrationInterface {
  return sqlMigration(`CreateUploadReservations${timestamp}`, {
    up: [
      `
        CREATE TABLE "${schema}"."upload_reservations" (
          "id" uuid PRIMARY KEY,
          "account_id" uuid NOT NULL,
          "purpose" text NOT NULL,
          "keys" text[] NOT NULL CHECK (cardinality("keys") > 0),
          "expires_at" timestamptz NOT NULL,
          "state" text NOT NULL DEFAULT 'open' CHECK ("state" IN ('open', 'committed', 'rejected')),
          "answer" jsonb,
          "created_at" timestamptz NOT NULL DEFAULT now(),
          CHECK (("state" = 'open') = ("answer" IS NULL))
        )`,
      // The sweeper's query: expired reservations never committed.
      `CREATE INDEX "upload_reservations_open_idx" ON "${schema}"."upload_reservations" ("expires_at") WHERE "state" = 'open'`,
    ],
    down: [`DROP TABLE "${schema}"."upload_reservations"`],
  });
}
