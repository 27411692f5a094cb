import { uploadReservationsMigration } from '@quire/platform';

/** Reservations of document uploads and replacements (docs/adr/011-upload-reservations.md). */
export const CreateUploadReservations1764000000100 = uploadReservationsMigration('docrepo', 1764000000100);
