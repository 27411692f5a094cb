import { outboxMigration } from '@quire/platform';

export const CreateOutbox1763800000002 = outboxMigration('file', 1763800000002);
