import { sqlMigration } from '@quire/platform';

/** Viewing packages: a rendition kept for an account's `documentId` until it expires. */
export const CreateViewingPackages1764100000102 = sqlMigration('CreateViewingPackages1764100000102', {
  up: [
    `
      CREATE TABLE "viewing"."viewing_packages" (
        "process_id" uuid PRIMARY KEY,
        "account_id" uuid NOT NULL,
        "document_id" text NOT NULL,
        "rendition_id" uuid REFERENCES "viewing"."renditions" ("id") ON DELETE SET NULL,
        "source" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        UNIQUE ("account_id", "document_id")
      )`,
    `CREATE INDEX "viewing_packages_expires_idx" ON "viewing"."viewing_packages" ("expires_at")`,
  ],
  down: [
    `DROP TABLE "viewing"."viewing_packages"`,
  ],
});
