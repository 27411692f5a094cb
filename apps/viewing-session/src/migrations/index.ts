import { CreateOutbox1763800000004 } from './1763800000004-create-outbox';
import { CreateRenditions1764100000101 } from './1764100000101-create-renditions';

/** Every migration of the `viewing` schema, oldest first. */
export const migrations = [CreateOutbox1763800000004, CreateRenditions1764100000101];
