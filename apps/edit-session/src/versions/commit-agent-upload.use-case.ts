import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import {
  AgentUploadFields,
  CommitVersionReply,
  CommitVersionRequest,
  EditSessionEvents,
  FilesUploadedEvent,
  Principal,
  ReceivedFile,
  WordEditFileLimits,
} from '@quire/contracts';
import { assertWithinLimit, ObjectStorage, OpenReservation, Outbox, receivedField, ReservationOutcome, UploadReservations } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';
import { assertAgentMaySave } from '../sessions/session-tokens';
import { firstFailure, ReceivedFiles } from '../storage/received-files';
import { s3Uri } from '../storage/storage-keys';
import { ReportVersion } from './report-version.entity';
import { AGENT_SAVE } from './reserve-agent-upload.use-case';
import { VersionsRepository } from './versions.repository';

const SAVED = 'Files uploaded and linked successfully';

/**
 * The agent save's commit, once per reservation (a retried commit gets the first answer): the
 * session still the token's, both files where the gateway wrote them and of the right kind, then
 * the version recorded in place (nothing is copied). The same pair as the latest version records
 * nothing new and its objects are deleted; a rejection deletes them too.
 */
@Injectable()
export class CommitAgentUploadUseCase {
  constructor(
    private readonly reservations: UploadReservations,
    private readonly versions: VersionsRepository,
    private readonly files: ReceivedFiles,
    private readonly storage: ObjectStorage,
    private readonly outbox: Outbox,
    private readonly env: EditSessionEnv,
  ) {}

  async execute(principal: Principal, command: CommitVersionRequest): Promise<CommitVersionReply> {
    const reply = await this.reservations.commitOnce(principal, command.reservationId, AGENT_SAVE, (reservation) => this.record(principal, command, reservation));
    if (reply.created) await this.outbox.flush();
    return reply;
  }

  /** Runs inside commitOnce's transaction (joined by @Transactional), under its savepoint. */
  @Transactional()
  private async record(principal: Principal, command: CommitVersionRequest, reservation: OpenReservation): Promise<ReservationOutcome<CommitVersionReply>> {
    const editId = String(command.edit_id);
    const session = await this.versions.session(principal, editId, true);
    assertAgentMaySave(principal, editId, session);
    const word = receivedField(command.files, AgentUploadFields.word);
    const pdf = receivedField(command.files, AgentUploadFields.pdf);
    assertWithinLimit(word, WordEditFileLimits.maxDocxBytes);
    assertWithinLimit(pdf, WordEditFileLimits.maxPdfBytes);
    const [docxKey, pdfKey] = reservation.keys;
    // Every check at once, with the latest version read meanwhile; the first failure in this
    // order is reported (a missing object before a wrong kind, the .docx before the PDF).
    const [latest] = await Promise.all([
      this.versions.latest(principal, session.labReportId),
      firstFailure([
        this.files.assertReceived(word, (key) => key === docxKey),
        this.files.assertReceived(pdf, (key) => key === pdfKey),
        this.files.assertDocx(word),
        this.files.assertPdf(pdf),
      ]),
    ]);
    if (latest && latest.docxSha256 === word.sha256 && latest.pdfSha256 === pdf.sha256) {
      return { reply: this.reply(latest, false), unusedKeys: reservation.keys };
    }
    const version = await this.versions.record(principal, session, versionOf(principal, session.id, session.labReportId, session.authorName, word, pdf), latest, this.env.EDIT_SESSION_LEASE_SECONDS);
    const event: FilesUploadedEvent = {
      lab_report_id: Number(version.labReportId),
      edit_id: Number(version.editSessionId),
      version_id: Number(version.id),
      version_number: version.versionNumber,
      word_s3_path: s3Uri(this.storage.bucket, version.docxKey),
      pdf_s3_path: s3Uri(this.storage.bucket, version.pdfKey),
      author_name: version.uploadedByName,
    };
    await this.versions.roomEvent(version.labReportId, EditSessionEvents.filesUploaded, event);
    return { reply: this.reply(version, true) };
  }

  private reply(version: ReportVersion, created: boolean): CommitVersionReply {
    return {
      message: SAVED,
      word_s3_path: s3Uri(this.storage.bucket, version.docxKey),
      pdf_s3_path: s3Uri(this.storage.bucket, version.pdfKey),
      version_id: Number(version.id),
      version_number: version.versionNumber,
      created,
    };
  }
}

function versionOf(principal: Principal, editSessionId: string, labReportId: string, authorName: string, word: ReceivedFile, pdf: ReceivedFile) {
  return {
    labReportId,
    editSessionId,
    docxKey: word.key,
    pdfKey: pdf.key,
    docxSize: String(word.size),
    pdfSize: String(pdf.size),
    docxSha256: word.sha256,
    pdfSha256: pdf.sha256,
    uploadedBy: principal.userId,
    uploadedByName: authorName,
  };
}
