import { uploadReservationsMigration } from '@quire/platform';

/** The file upload's reservations (docs/adr/011-upload-reservations.md). */
export const CreateUploadReservations1763900000700 = uploadReservationsMigration('file', 1763900000700);
