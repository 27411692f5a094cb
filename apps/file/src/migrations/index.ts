import { CreateOutbox1763800000002 } from './1763800000002-create-outbox';
import { CreateFiles1763900000600 } from './1763900000600-create-files';
import { CreateUploadReservations1763900000700 } from './1763900000700-create-upload-reservations';

/** Every migration of the `file` schema, oldest first. */
export const migrations = [CreateOutbox1763800000002, CreateFiles1763900000600, CreateUploadReservations1763900000700];
