import { outboxMigration } from '@quire/platform';

export const CreateOutbox1763800000004 = outboxMigration('viewing', 1763800000004);
