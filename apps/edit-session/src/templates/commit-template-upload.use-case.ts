import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { CreateTemplateRequest, Principal, TemplateReply, WordEditFileLimits } from '@quire/contracts';
import { assertWithinLimit, ObjectStorage, OpenReservation, receivedField, ReservationOutcome, UploadReservations } from '@quire/platform';
import { firstFailure, ReceivedFiles } from '../storage/received-files';
import { Wire } from '../wire';
import { TEMPLATE_FILE_FIELD, TEMPLATE_UPLOAD } from './reserve-template-upload.use-case';
import { TemplatesRepository } from './templates.repository';

/**
 * The template upload's commit, once per reservation (a retried commit gets the first answer, never
 * a second row): the .docx where the gateway wrote it (its reserved key), within the limit, a Word
 * document by its ZIP directory (ranged reads), then the row recorded in place; nothing is copied.
 * A rejection deletes the object (commitOnce).
 */
@Injectable()
export class CommitTemplateUploadUseCase {
  constructor(
    private readonly reservations: UploadReservations,
    private readonly templates: TemplatesRepository,
    private readonly files: ReceivedFiles,
    private readonly storage: ObjectStorage,
  ) {}

  execute(principal: Principal, command: CreateTemplateRequest): Promise<TemplateReply> {
    return this.reservations.commitOnce(principal, command.reservationId, TEMPLATE_UPLOAD, (reservation) => this.record(principal, command, reservation));
  }

  /** Runs inside commitOnce's transaction (joined by @Transactional), under its savepoint. */
  @Transactional()
  private async record(principal: Principal, command: CreateTemplateRequest, reservation: OpenReservation): Promise<ReservationOutcome<TemplateReply>> {
    const file = receivedField(command.files, TEMPLATE_FILE_FIELD);
    assertWithinLimit(file, WordEditFileLimits.maxDocxBytes);
    const [key] = reservation.keys;
    // A missing object is reported before a wrong kind.
    await firstFailure([this.files.assertReceived(file, (received) => received === key), this.files.assertDocx(file)]);
    const saved = await this.templates.create(principal, {
      name: command.name,
      docxKey: file.key,
      docxSize: file.size,
      docxSha256: file.sha256,
      createdBy: principal.userId,
    });
    return { reply: Wire.template(this.storage.bucket, saved) };
  }
}
