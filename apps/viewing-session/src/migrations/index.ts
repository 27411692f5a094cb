import { CreateOutbox1763800000004 } from './1763800000004-create-outbox';
import { CreateViewingSessions1764100000001 } from './1764100000001-create-viewing-sessions';
import { CreateRenditions1764100000101 } from './1764100000101-create-renditions';
import { CreateViewingPackages1764100000102 } from './1764100000102-create-viewing-packages';
import { CreateComparisons1764100000201 } from './1764100000201-create-comparisons';

/** Every migration of the `viewing` schema, oldest first. */
export const migrations = [CreateOutbox1763800000004, CreateViewingSessions1764100000001, CreateRenditions1764100000101, CreateViewingPackages1764100000102, CreateComparisons1764100000201];
