import { CreateOutbox1763800000003 } from './1763800000003-create-outbox';

/** Every migration of the `docrepo` schema, oldest first. */
export const migrations = [CreateOutbox1763800000003];
