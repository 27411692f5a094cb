import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AgentUploadFields,
  CommitVersionReply,
  CommitVersionRequest,
  EditSessionEvents,
  FilesUploadedEvent,
  Principal,
  StagedUpload,
  VersionFileRequest,
  VersionFileUrlReply,
  VersionReply,
  WordEditFileLimits,
} from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { ObjectStorage, Outbox } from '@quire/platform';
import { EditSessionEnv } from '../edit-session.env';
import { enqueueRoomEvent } from '../events/room-events';
import { ReportsRepository } from '../reports/reports.repository';
import { EditSession } from '../sessions/edit-session.entity';
import { renewLease } from '../sessions/session-lease';
import { assertAgentMaySave } from '../sessions/session-tokens';
import { firstFailure, StagedFiles } from '../storage/staged-files';
import { newVersionStem, s3Uri, StorageKeys } from '../storage/storage-keys';
import { Wire } from '../wire';
import { ReportVersion } from './report-version.entity';

const SAVED = 'Files uploaded and linked successfully';

function pick(files: StagedUpload[], field: string): StagedUpload {
  const file = files.find((candidate) => candidate.field === field);
  if (!file) throw DomainError.validation(`Missing required field(s): ${field}`, { reason: `missing ${field}`, missing: [field] });
  return file;
}

function assertWithin(file: StagedUpload, maxBytes: number): void {
  if (file.size > maxBytes) throw new DomainError(ErrorCode.PayloadTooLarge, `"${file.field}" is larger than ${maxBytes} bytes`, { field: file.field, maxBytes });
}

/** The agent's saves (`POST /agent/{edit_id}`) and a report's version history. */
@Injectable()
export class VersionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reports: ReportsRepository,
    private readonly staged: StagedFiles,
    private readonly storage: ObjectStorage,
    private readonly outbox: Outbox,
    private readonly env: EditSessionEnv,
  ) {}

  /** Before the gateway stages a byte: is this token still the session's? */
  async preflight(principal: Principal, editId: number): Promise<{ allowed: true }> {
    const session = await this.findSession(principal, editId);
    assertAgentMaySave(principal, String(editId), session);
    return { allowed: true };
  }

  /**
   * Checks the staged pair, then moves it into place and records the version in one transaction
   * (the session row locked, so saves of one session line up). The same pair as the latest
   * version records nothing new. On rejection the gateway deletes the staged objects; on success
   * this deletes them.
   */
  async commit(principal: Principal, request: CommitVersionRequest): Promise<CommitVersionReply> {
    const editId = String(request.edit_id);
    const session = await this.findSession(principal, request.edit_id);
    assertAgentMaySave(principal, editId, session);
    const word = pick(request.files, AgentUploadFields.word);
    const pdf = pick(request.files, AgentUploadFields.pdf);
    assertWithin(word, WordEditFileLimits.maxDocxBytes);
    assertWithin(pdf, WordEditFileLimits.maxPdfBytes);
    // Both files at once; when both are wrong, the .docx's error is the one reported.
    await firstFailure([this.staged.assertStaged(word), this.staged.assertStaged(pdf)]);

    const stem = newVersionStem();
    const docxKey = StorageKeys.version(principal.accountId, session.labReportId, 'docx', stem);
    const pdfKey = StorageKeys.version(principal.accountId, session.labReportId, 'pdf', stem);
    // The copies (most of a commit's time) run while the contents are checked and the latest
    // version is compared; a rejected or repeated pair then has its copies removed.
    const copies = this.staged.copyAll([
      { from: word.key, to: docxKey },
      { from: pdf.key, to: pdfKey },
    ]);
    let same: ReportVersion | undefined;
    try {
      [, same] = await Promise.all([
        firstFailure([this.staged.assertDocx(word), this.staged.assertPdf(pdf)]),
        this.sameAsLatest(principal.accountId, session.labReportId, word, pdf),
      ]);
    } catch (error) {
      await copies.catch(() => undefined);
      await this.staged.deleteQuietly([docxKey, pdfKey]);
      throw error;
    }
    if (same) {
      await copies.catch(() => undefined);
      await this.staged.deleteQuietly([docxKey, pdfKey, word.key, pdf.key]);
      return this.reply(same, false);
    }
    await copies;
    let outcome: { version: ReportVersion; created: boolean };
    try {
      outcome = await this.dataSource.transaction(async (manager) => {
        const locked = await manager.findOne(EditSession, {
          where: { id: editId, accountId: principal.accountId },
          lock: { mode: 'pessimistic_write' },
        });
        assertAgentMaySave(principal, editId, locked);
        // A save of the same pair may have committed while this one was copying.
        const latest = await this.reports.latestVersion(principal, locked.labReportId, manager);
        if (latest && latest.docxSha256 === word.sha256 && latest.pdfSha256 === pdf.sha256) return { version: latest, created: false };
        const version = await manager.save(
          manager.create(ReportVersion, {
            accountId: principal.accountId,
            labReportId: locked.labReportId,
            editSessionId: locked.id,
            versionNumber: (latest?.versionNumber ?? 0) + 1,
            docxKey,
            pdfKey,
            docxSize: String(word.size),
            pdfSize: String(pdf.size),
            docxSha256: word.sha256,
            pdfSha256: pdf.sha256,
            uploadedBy: principal.userId,
            uploadedByName: locked.authorName,
          }),
        );
        await manager.query(`UPDATE "edit_session"."edit_sessions" SET "updated_at" = now() WHERE "id" = $1`, [locked.id]);
        // A save shows the agent is alive: it renews the lease as a keepalive does.
        await renewLease(manager, locked.id, this.env.EDIT_SESSION_LEASE_SECONDS);
        const saved = await manager.findOneOrFail(ReportVersion, { where: { id: version.id } });
        const event: FilesUploadedEvent = {
          lab_report_id: Number(saved.labReportId),
          edit_id: Number(saved.editSessionId),
          version_id: Number(saved.id),
          version_number: saved.versionNumber,
          word_s3_path: s3Uri(this.storage.bucket, saved.docxKey),
          pdf_s3_path: s3Uri(this.storage.bucket, saved.pdfKey),
          author_name: saved.uploadedByName,
        };
        await enqueueRoomEvent(manager, saved.labReportId, EditSessionEvents.filesUploaded, event);
        return { version: saved, created: true };
      });
    } catch (error) {
      await this.staged.deleteQuietly([docxKey, pdfKey]);
      throw error;
    }
    await Promise.all([
      this.staged.deleteQuietly(outcome.created ? [word.key, pdf.key] : [docxKey, pdfKey, word.key, pdf.key]),
      outcome.created ? this.outbox.flush() : undefined,
    ]);
    return this.reply(outcome.version, outcome.created);
  }

  async list(principal: Principal, labReportId: number): Promise<VersionReply[]> {
    const report = await this.reports.findReport(principal, labReportId);
    if (!report) throw DomainError.notFound('Lab report', { reason: 'lab report not found' });
    const versions = await this.dataSource.manager.find(ReportVersion, {
      where: { accountId: principal.accountId, labReportId: report.id },
      order: { versionNumber: 'DESC' },
    });
    return versions.map((version) => Wire.version(this.storage.bucket, version));
  }

  async fileUrl(principal: Principal, request: VersionFileRequest): Promise<VersionFileUrlReply> {
    const version = await this.dataSource.manager.findOne(ReportVersion, {
      where: { accountId: principal.accountId, labReportId: String(request.lab_report_id), id: String(request.version_id) },
    });
    if (!version) throw DomainError.notFound('Report version', { reason: 'version not found' });
    const key = request.kind === 'docx' ? version.docxKey : version.pdfKey;
    const seconds = this.env.EDIT_SESSION_PRESIGN_SECONDS;
    const url = await this.storage.presignGet(key, seconds, `report-${version.labReportId}-v${version.versionNumber}.${request.kind}`);
    return { url, expires_in_seconds: seconds };
  }

  private findSession(principal: Principal, editId: number): Promise<EditSession | null> {
    return this.dataSource.manager.findOne(EditSession, { where: { id: String(editId), accountId: principal.accountId } });
  }

  private async sameAsLatest(accountId: string, labReportId: string, word: StagedUpload, pdf: StagedUpload): Promise<ReportVersion | undefined> {
    const latest = await this.reports.latestVersion({ accountId }, labReportId);
    return latest && latest.docxSha256 === word.sha256 && latest.pdfSha256 === pdf.sha256 ? latest : undefined;
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
