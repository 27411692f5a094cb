import { outboxMigration } from '@quire/platform';

export const CreateOutbox1763800000001 = outboxMigration('edit_session', 1763800000001);
