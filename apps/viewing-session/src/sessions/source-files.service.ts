import { Injectable, Optional } from '@nestjs/common';
import {
  CommitSourceFileRequest,
  Principal,
  ReserveSourceFileReply,
  ReserveSourceFileRequest,
  SourceFileLocation,
  SourceFileSlot,
  ViewingSessionIdRequest,
} from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { ObjectStorage, Transactional } from '@quire/platform';
import { ComparisonsService } from '../comparisons/comparisons.service';
import { Renditions } from '../renditions/renditions.api';
import { ViewingSessionEnv } from '../viewing-session.env';
import { newSessionSourceKey, sessionSourcePrefix } from './storage-keys';
import { ViewingSession } from './viewing-session.entities';
import { ViewingSessionsRepository } from './viewing-sessions.repository';
import { documentNotFound, viewingInputError } from './viewing-errors';

/** docx / odt (zip), doc (OLE compound file) and pdf (`%PDF-`) by their first bytes. */
const COMPARABLE_SIGNATURES = ['504b0304', 'd0cf11e0a1b11ae1', '255044462d'];

/**
 * `PUT …/SourceFile` (a single upload) and `PUT /v2/viewingSessions/{id}/sourceFile/original|revised`
 * (a comparison's). The gateway asks `reserve` first (nothing read yet), streams the body to the
 * answered key, then `commit`s what it measured; the rules are checked at both steps, so a race
 * between two uploads to one slot leaves one.
 */
@Injectable()
export class SourceFilesService {
  constructor(
    private readonly sessions: ViewingSessionsRepository,
    private readonly renditions: Renditions,
    private readonly storage: ObjectStorage,
    private readonly env: ViewingSessionEnv,
    @Optional() private readonly comparisons?: ComparisonsService,
  ) {}

  async reserve(principal: Principal, request: ReserveSourceFileRequest): Promise<ReserveSourceFileReply> {
    const session = await this.sessions.findLive(principal, request.viewingSessionId);
    if (!session) throw documentNotFound();
    await this.assertSlotOpen(principal, session, request.slot);
    return { objectKey: newSessionSourceKey(session.id, request.slot), maxBytes: this.env.VIEWING_MAX_SOURCE_BYTES };
  }

  async commit(principal: Principal, request: CommitSourceFileRequest): Promise<Record<string, never>> {
    const key = request.objectKey;
    if (!key.startsWith(sessionSourcePrefix(request.viewingSessionId, request.slot))) {
      throw viewingInputError('InvalidInput', 'The object key was not reserved for this session', { in: 'body' });
    }
    try {
      const session = await this.sessions.findLive(principal, request.viewingSessionId);
      if (!session) throw documentNotFound();
      await this.assertSlotOpen(principal, session, request.slot);
      const stored = await this.storage.head(key);
      if (!stored || stored.size !== request.sizeBytes) throw viewingInputError('InvalidInput', 'The uploaded file was not stored', { in: 'body' });
      if (request.slot !== 'single' && !COMPARABLE_SIGNATURES.some((signature) => request.headHex.startsWith(signature))) {
        throw viewingInputError('UnsupportedFormatForComparison', 'Only doc, docx, odt and pdf can be compared', { in: 'body' });
      }
      const source = await this.sessions.source(principal, session.id, request.slot);
      const name = source?.reference ?? `${request.slot}`;
      const { renditionId } = await this.renditions.start(principal, {
        objectKey: key,
        sizeBytes: request.sizeBytes,
        sha256: request.sha256,
        contentType: request.contentType,
        name,
      });
      await this.record(principal, session, request, key, name, renditionId);
    } catch (error) {
      await this.storage.deleteQuietly([key]);
      throw error;
    }
    if (request.slot !== 'single') await this.comparisons?.startWhenReady(principal, request.viewingSessionId);
    return {};
  }

  @Transactional()
  private async record(principal: Principal, session: ViewingSession, request: CommitSourceFileRequest, key: string, name: string, renditionId: string): Promise<void> {
    const locked = await this.sessions.findLive(principal, session.id, true);
    if (!locked) throw documentNotFound();
    const received = await this.sessions.receive(principal, session.id, request.slot, 'upload', {
      objectKey: key,
      sizeBytes: request.sizeBytes,
      sha256: request.sha256,
      contentType: request.contentType,
      name,
      renditionId,
    });
    if (!received) throw viewingInputError('CannotChangeDocument', 'The viewing session already has this source document');
  }

  /** Where the source bytes of a single-document session are (GET …/SourceFile: a viewer call, by session id). */
  async location(request: ViewingSessionIdRequest): Promise<SourceFileLocation> {
    const session = await this.sessions.findLiveById(request.viewingSessionId);
    if (!session) throw documentNotFound();
    // The original bytes carry no watermark: a watermarked session never hands them out.
    if (session.watermarks.length) throw viewingInputError('InvalidInput', 'A session with watermarks does not serve its source file', { in: 'path' });
    if (session.kind === 'comparison') throw viewingInputError('IncorrectUsage', 'A comparison session has two source files');
    const source = await this.sessions.source(session, session.id, 'single');
    if (!source?.objectKey) throw DomainError.notFound('Source file', { errorCode: 'DocumentNotFound' });
    return { objectKey: source.objectKey, sizeBytes: source.sizeBytes ?? 0, contentType: source.contentType ?? 'application/octet-stream', name: source.name ?? 'document' };
  }

  private async assertSlotOpen(principal: Principal, session: ViewingSession, slot: SourceFileSlot): Promise<void> {
    if (slot === 'single' && session.kind === 'comparison') {
      throw viewingInputError('IncorrectUsage', 'The viewing session is used for a comparison: upload its original or revised document');
    }
    if (slot !== 'single' && session.kind === 'single') {
      if (session.sourceType !== 'upload') throw viewingInputError('IncorrectUsage', 'The viewing session is already used for viewing of a single source document');
      throw viewingInputError('IncorrectUsage', 'The viewing session is used for viewing of a single source document');
    }
    if (slot !== 'single' && !this.env.VIEWING_OFFICE_CONVERTER_ENABLED) {
      throw viewingInputError('FeatureDisabled', 'Comparison needs the Office document converter, which is not configured');
    }
    const source = await this.sessions.source(principal, session.id, slot);
    if (!source || source.sourceType !== 'upload' || source.receivedAt !== null) {
      throw viewingInputError('CannotChangeDocument', 'The viewing session already has this source document');
    }
  }
}
