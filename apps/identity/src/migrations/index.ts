import { CreateOutbox1763800000000 } from './1763800000000-create-outbox';

/** Every migration of the `identity` schema, oldest first. */
export const migrations = [CreateOutbox1763800000000];
