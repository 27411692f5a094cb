import { CreateOutbox1763800000001 } from './1763800000001-create-outbox';
import { CreateEditSessionTables1763800000101 } from './1763800000101-create-edit-session-tables';
import { EndReasonAccessRevoked1763800000102 } from './1763800000102-end-reason-access-revoked';
import { SessionLease1763800000103 } from './1763800000103-session-lease';
import { CreateUploadReservations1763800000104 } from './1763800000104-create-upload-reservations';

/** Every migration of the `edit_session` schema, oldest first. */
export const migrations = [CreateOutbox1763800000001, CreateEditSessionTables1763800000101, EndReasonAccessRevoked1763800000102, SessionLease1763800000103, CreateUploadReservations1763800000104];
