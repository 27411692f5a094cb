import { uploadReservationsMigration } from '@quire/platform';

/** The agent save's upload reservations (docs/adr/011-upload-reservations.md). */
export const CreateUploadReservations1763800000104 = uploadReservationsMigration('edit_session', 1763800000104);
