import { outboxMigration } from '@quire/platform';

export const CreateOutbox1763800000000 = outboxMigration('identity', 1763800000000);
