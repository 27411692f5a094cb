import { Injectable } from '@nestjs/common';
import { isEditSessionPrincipal } from '@quire/auth';
import { Principal, UploadReservation, WordEditFileLimits } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { UploadReservations } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';
import { StorageKeys } from '../storage/storage-keys';

export const TEMPLATE_UPLOAD = 'template-upload';
/** The multipart field the template's .docx comes in. */
export const TEMPLATE_FILE_FIELD = 'file';

/**
 * The template upload's preflight: a user of the account (never the Word agent's edit-session
 * token) may upload a template; the answer reserves its final key under edit-session's prefix,
 * with the .docx limit. The gateway streams the file straight there.
 */
@Injectable()
export class ReserveTemplateUploadUseCase {
  constructor(
    private readonly reservations: UploadReservations,
    private readonly env: EditSessionEnv,
  ) {}

  async execute(principal: Principal): Promise<UploadReservation> {
    if (isEditSessionPrincipal(principal)) {
      throw DomainError.forbidden('An edit-session token can only upload files', { reason: 'edit-session tokens are for POST /agent/{edit_id} only' });
    }
    const key = StorageKeys.template(principal.accountId);
    const reservation = await this.reservations.reserve(principal, TEMPLATE_UPLOAD, [key], this.env.UPLOAD_RESERVATION_TTL_SECONDS);
    return {
      reservationId: reservation.id,
      parts: [{ field: TEMPLATE_FILE_FIELD, key, maxBytes: WordEditFileLimits.maxDocxBytes }],
      expiresAt: reservation.expiresAt.getTime(),
    };
  }
}
