import { Injectable } from '@nestjs/common';
import { AgentUploadFields, Principal, UploadReservation, WordEditFileLimits } from '@quire/contracts';
import { UploadReservations } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';
import { assertAgentMaySave } from '../sessions/session-tokens';
import { newVersionStem, StorageKeys } from '../storage/storage-keys';
import { VersionsRepository } from './versions.repository';

export const AGENT_SAVE = 'agent-save';

/**
 * The agent save's preflight: is this token still the session's? Then a reservation of the next
 * version's two final keys (the gateway streams straight to them) and the spec's limits.
 */
@Injectable()
export class ReserveAgentUploadUseCase {
  constructor(
    private readonly versions: VersionsRepository,
    private readonly reservations: UploadReservations,
    private readonly env: EditSessionEnv,
  ) {}

  async execute(principal: Principal, editId: number): Promise<UploadReservation> {
    const session = await this.versions.session(principal, editId);
    assertAgentMaySave(principal, String(editId), session);
    const stem = newVersionStem();
    const docxKey = StorageKeys.version(principal.accountId, session.labReportId, 'docx', stem);
    const pdfKey = StorageKeys.version(principal.accountId, session.labReportId, 'pdf', stem);
    const reservation = await this.reservations.reserve(principal, AGENT_SAVE, [docxKey, pdfKey], this.env.UPLOAD_RESERVATION_TTL_SECONDS);
    return {
      reservationId: reservation.id,
      parts: [
        { field: AgentUploadFields.word, key: docxKey, maxBytes: WordEditFileLimits.maxDocxBytes },
        { field: AgentUploadFields.pdf, key: pdfKey, maxBytes: WordEditFileLimits.maxPdfBytes },
      ],
      expiresAt: reservation.expiresAt.getTime(),
    };
  }
}
