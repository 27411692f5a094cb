import { CreateOutbox1763800000003 } from './1763800000003-create-outbox';
import { CreateDocrepoTables1764000000000 } from './1764000000000-create-docrepo-tables';
import { CreateUploadReservations1764000000100 } from './1764000000100-create-upload-reservations';

/** Every migration of the `docrepo` schema, oldest first. */
export const migrations = [CreateOutbox1763800000003, CreateDocrepoTables1764000000000, CreateUploadReservations1764000000100];
