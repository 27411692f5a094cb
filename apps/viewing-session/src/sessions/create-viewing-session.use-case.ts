import { randomBytes } from 'node:crypto';
import { Injectable, Logger, Optional } from '@nestjs/common';
import {
  ComparisonPartBody,
  CreateViewingSessionBody,
  Principal,
  SourceFileSlot,
  ViewingSessionCreatedReply,
  ViewingSourceBody,
} from '@quire/contracts';
import { ObjectStorage, Transactional } from '@quire/platform';
import { ComparisonsService } from '../comparisons/comparisons.service';
import { Renditions, SourceObject, ViewingPackages } from '../renditions/renditions.api';
import { ViewingSessionEnv } from '../viewing-session.env';
import { DocumentSources } from './document-sources';
import { UrlSources } from './url-sources';
import { ViewingSession, ViewingSessionSource } from './viewing-session.entities';
import { ViewingSessionsRepository } from './viewing-sessions.repository';
import { documentNotFound, viewingInputError } from './viewing-errors';

/** ≥ 128 random bits: the session id is the viewer's only credential. 24 bytes → 32 characters. */
export function newViewingSessionId(): string {
  return randomBytes(24).toString('base64url');
}

/** The formats a comparison compares (ADR 020): doc, docx, odt and pdf. */
const COMPARABLE_NAME = /\.(docx?|odt|pdf)$/i;
const COMPARABLE_TYPES = new Set([
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.oasis.opendocument.text',
  'application/pdf',
]);

export function isComparable(source: { name?: string | null; contentType?: string | null }): boolean {
  return COMPARABLE_TYPES.has(source.contentType ?? '') || COMPARABLE_NAME.test(source.name ?? '');
}

interface PlannedSource {
  slot: SourceFileSlot;
  type: ViewingSessionSource['sourceType'];
  reference: string | null;
  object?: SourceObject;
  owned: boolean;
  renditionId?: string;
}

/**
 * `POST /pas/ViewingSession`. The steps: input rules that need no lookup (480), then the lookups
 * (404 and the package conflicts), then the renditions start, then the session and its sources in
 * one transaction. Input is always judged before any document is looked up.
 */
@Injectable()
export class CreateViewingSessionUseCase {
  private readonly logger = new Logger(CreateViewingSessionUseCase.name);

  constructor(
    private readonly sessions: ViewingSessionsRepository,
    private readonly documents: DocumentSources,
    private readonly urls: UrlSources,
    private readonly renditions: Renditions,
    private readonly env: ViewingSessionEnv,
    private readonly storage: ObjectStorage,
    @Optional() private readonly packages?: ViewingPackages,
    @Optional() private readonly comparisons?: ComparisonsService,
  ) {}

  async execute(principal: Principal, body: CreateViewingSessionBody): Promise<ViewingSessionCreatedReply> {
    this.checkInput(body);
    const id = newViewingSessionId();
    const fetched: string[] = [];
    try {
      const planned = await this.plan(principal, id, body, fetched);
      await this.insert(principal, id, body, planned);
    } catch (error) {
      // A url source fetched before a later step failed: its copy belongs to no session.
      await this.storage.deleteQuietly(fetched);
      throw error;
    }
    if (body.source.type === 'comparison') await this.comparisons?.startWhenReady(principal, id);
    return { viewingSessionId: id };
  }

  /** Rules of the spec that need no lookup. */
  private checkInput(body: CreateViewingSessionBody): void {
    const { source } = body;
    const caching = source.documentId !== undefined;
    if (source.type === 'comparison') {
      if (caching) throw viewingInputError('InputNotSupportedWithDocumentId', 'documentId cannot be used with a comparison', { in: 'body', at: 'source.type' });
      if (!this.env.VIEWING_OFFICE_CONVERTER_ENABLED) {
        throw viewingInputError('FeatureDisabled', 'Comparison needs the Office document converter, which is not configured', { in: 'body', at: 'source.type' });
      }
      for (const part of ['original', 'revised'] as const) {
        const fileName = source[part]?.fileName;
        if (source[part]?.type === 'document' && fileName && /\.[A-Za-z0-9]{1,8}$/.test(fileName) && !COMPARABLE_NAME.test(fileName)) {
          throw viewingInputError('UnsupportedFormatForComparison', 'Only doc, docx, odt and pdf can be compared', { in: 'body', at: `source.${part}.fileName` });
        }
      }
    }
    if (caching || source.type === 'viewingPackage') {
      if (body.watermarks?.length) {
        throw viewingInputError('InputNotSupportedWithDocumentId', 'watermarks cannot be used with a viewing package or caching', { in: 'body', at: 'watermarks' });
      }
      if (body.render?.html5?.alwaysUseRaster !== undefined) {
        throw viewingInputError('InputNotSupportedWithDocumentId', 'render.html5.alwaysUseRaster cannot be used with caching', { in: 'body', at: 'render.html5.alwaysUseRaster' });
      }
    }
  }

  private async plan(principal: Principal, id: string, body: CreateViewingSessionBody, fetched: string[]): Promise<PlannedSource[]> {
    const { source } = body;
    switch (source.type) {
      case 'comparison':
        return [
          await this.planPart(principal, id, 'original', source.original!, 'source.original', fetched),
          await this.planPart(principal, id, 'revised', source.revised!, 'source.revised', fetched),
        ];
      case 'viewingPackage':
        return [await this.planPackage(principal, source.documentId!, body)];
      case 'document':
        if (source.documentId !== undefined) return [await this.planCachedDocument(principal, source, body)];
        return [await this.planPart(principal, id, 'single', source as ComparisonPartBody, 'source', fetched)];
      case 'url':
      case 'upload':
        return [await this.planPart(principal, id, 'single', source as ComparisonPartBody, 'source', fetched)];
    }
  }

  /** One document, url or upload (a single source, or one side of a comparison). */
  private async planPart(
    principal: Principal,
    id: string,
    slot: SourceFileSlot,
    part: ViewingSourceBody | ComparisonPartBody,
    at: string,
    fetched: string[],
  ): Promise<PlannedSource> {
    const comparing = slot !== 'single';
    switch (part.type) {
      case 'upload':
        return { slot, type: 'upload', reference: part.displayName ?? null, owned: true };
      case 'url': {
        const object = await this.urls.fetch(id, slot, { url: part.url!, headers: part.headers, acceptBadSslCertificate: part.acceptBadSslCertificate }, `${at}.url`);
        fetched.push(object.objectKey);
        return this.started(principal, { slot, type: 'url', reference: part.url!, object, owned: true }, comparing, at);
      }
      case 'document': {
        const object = await this.documents.resolve(principal, part.fileName!, `${at}.fileName`);
        return this.started(principal, { slot, type: 'document', reference: part.fileName!, object, owned: false }, comparing, `${at}.fileName`);
      }
      default:
        throw viewingInputError('InvalidInput', `A source of type ${String(part.type)} cannot be used here`, { in: 'body', at: `${at}.type` });
    }
  }

  private async started(principal: Principal, planned: PlannedSource, comparing: boolean, at: string): Promise<PlannedSource> {
    if (comparing && !isComparable(planned.object!)) {
      throw viewingInputError('UnsupportedFormatForComparison', 'Only doc, docx, odt and pdf can be compared', { in: 'body', at });
    }
    const { renditionId } = await this.renditions.start(principal, planned.object!);
    return { ...planned, renditionId };
  }

  /** `document` with `documentId`: a ready package is used (it must match), else one is started. */
  private async planCachedDocument(principal: Principal, source: ViewingSourceBody, body: CreateViewingSessionBody): Promise<PlannedSource> {
    const ready = await this.packages?.findReady(principal, source.documentId!);
    if (ready) {
      if (ready.source.fileName !== undefined && ready.source.fileName !== source.fileName) {
        throw viewingInputError('InputConflictsWithViewingPackage', 'fileName differs from the viewing package of this documentId', { in: 'body', at: 'source.fileName' });
      }
      this.assertRenderMatches(ready.render, body);
      return { slot: 'single', type: 'document', reference: source.fileName!, owned: false, renditionId: ready.renditionId };
    }
    const object = await this.documents.resolve(principal, source.fileName!, 'source.fileName');
    const planned = await this.started(principal, { slot: 'single', type: 'document', reference: source.fileName!, object, owned: false }, false, 'source.fileName');
    if (this.packages) {
      await this.packages.startForDocument(principal, source.documentId!, { ...object, fileName: source.fileName }, this.env.VIEWING_PACKAGE_LIFETIME_SECONDS);
    } else {
      this.logger.warn({ documentId: source.documentId }, 'No viewing packages in this build: the session is not cached');
    }
    return planned;
  }

  private async planPackage(principal: Principal, documentId: string, body: CreateViewingSessionBody): Promise<PlannedSource> {
    if (!this.packages) throw viewingInputError('FeatureDisabled', 'Viewing packages are not available on this server', { in: 'body', at: 'source.type' });
    const ready = await this.packages.findReady(principal, documentId);
    if (!ready) throw documentNotFound('source.documentId');
    this.assertRenderMatches(ready.render, body);
    return { slot: 'single', type: 'viewingPackage', reference: documentId, owned: false, renditionId: ready.renditionId };
  }

  private assertRenderMatches(packaged: Record<string, unknown>, body: CreateViewingSessionBody): void {
    if (body.render !== undefined && JSON.stringify(body.render) !== JSON.stringify(packaged ?? {})) {
      throw viewingInputError('InputConflictsWithViewingPackage', 'render differs from the viewing package', { in: 'body', at: 'render' });
    }
  }

  @Transactional()
  private async insert(principal: Principal, id: string, body: CreateViewingSessionBody, planned: PlannedSource[]): Promise<void> {
    const now = new Date();
    const session = Object.assign(new ViewingSession(), {
      id,
      accountId: principal.accountId,
      kind: body.source.type === 'comparison' ? 'comparison' : 'single',
      sourceType: body.source.type,
      documentId: body.source.documentId ?? null,
      watermarks: (body.watermarks ?? []).map((mark) => ({ ...mark })),
      render: body.render ? JSON.parse(JSON.stringify(body.render)) : {},
      createdBy: principal.userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.env.VIEWING_SESSION_TTL_SECONDS * 1000),
    } satisfies ViewingSession);
    const sources = planned.map((plan) =>
      Object.assign(new ViewingSessionSource(), {
        accountId: principal.accountId,
        sessionId: id,
        slot: plan.slot,
        sourceType: plan.type,
        reference: plan.reference,
        objectKey: plan.object?.objectKey ?? null,
        sizeBytes: plan.object?.sizeBytes ?? null,
        sha256: plan.object?.sha256 ?? null,
        contentType: plan.object?.contentType ?? null,
        name: plan.object?.name ?? plan.reference,
        renditionId: plan.renditionId ?? null,
        owned: plan.owned,
        receivedAt: plan.object || plan.renditionId ? now : null,
      } satisfies ViewingSessionSource),
    );
    await this.sessions.insert(principal, session, sources);
  }
}
