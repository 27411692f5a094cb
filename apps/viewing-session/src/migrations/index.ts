import { CreateOutbox1763800000004 } from './1763800000004-create-outbox';

/** Every migration of the `viewing` schema, oldest first. */
export const migrations = [CreateOutbox1763800000004];
