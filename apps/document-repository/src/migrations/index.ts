import { CreateOutbox1763800000003 } from './1763800000003-create-outbox';
import { CreateDocrepoTables1764000000000 } from './1764000000000-create-docrepo-tables';

/** Every migration of the `docrepo` schema, oldest first. */
export const migrations = [CreateOutbox1763800000003, CreateDocrepoTables1764000000000];
