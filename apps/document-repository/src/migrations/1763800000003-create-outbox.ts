import { outboxMigration } from '@quire/platform';

export const CreateOutbox1763800000003 = outboxMigration('docrepo', 1763800000003);
