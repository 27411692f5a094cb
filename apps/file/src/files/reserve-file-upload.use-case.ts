import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { FileUploadReservation, Principal } from '@quire/contracts';
import { UploadReservations } from '@quire/platform';
import { FileEnv } from '../file.env';
import { FileSettings } from '../file.settings';

export const FILE_UPLOAD = 'file';

/** The object key of a file: also where the gateway streams its upload (reserved up front). */
export function fileStorageKey(accountId: string, id: string): string {
  return `files/${accountId}/${id}`;
}

/**
 * The upload's preflight: a reservation of the new file's final key, under the largest category
 * limit, with each category's own limit (the category is only known from the body).
 */
@Injectable()
export class ReserveFileUploadUseCase {
  constructor(
    private readonly reservations: UploadReservations,
    private readonly settings: FileSettings,
    private readonly env: FileEnv,
  ) {}

  async execute(principal: Principal): Promise<FileUploadReservation> {
    const key = fileStorageKey(principal.accountId, randomUUID());
    const reservation = await this.reservations.reserve(principal, FILE_UPLOAD, [key], this.env.UPLOAD_RESERVATION_TTL_SECONDS);
    return {
      reservationId: reservation.id,
      parts: [{ field: 'file', key, maxBytes: this.settings.largestMaxBytes() }],
      maxBytesByCategory: { ...this.settings.maxBytes },
      expiresAt: reservation.expiresAt.getTime(),
    };
  }
}
