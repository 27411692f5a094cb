import { CreateOutbox1763800000002 } from './1763800000002-create-outbox';

/** Every migration of the `file` schema, oldest first. */
export const migrations = [CreateOutbox1763800000002];
