import { CreateOutbox1763800000001 } from './1763800000001-create-outbox';

/** Every migration of the `edit_session` schema, oldest first. */
export const migrations = [CreateOutbox1763800000001];
