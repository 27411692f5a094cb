import { Injectable } from '@nestjs/common';
import { ComparisonSide, DocumentAttributesRequest, PageImageReply, PageImageRequest, PageRequest, TextRequest, ViewerRequest, ViewerSessionReply } from '@quire/contracts';
import { Renditions, PageText } from '../renditions/renditions.api';
import { ViewingSessionEnv } from '../viewing-session.env';
import { WatermarkedImages } from '../watermarks/watermarked-images';
import { ViewingSession } from './viewing-session.entities';
import { ViewingSessionsRepository } from './viewing-sessions.repository';
import { documentNotFound, viewingInputError } from './viewing-errors';

/** The thumbnail sizes a viewer may ask for (`GET /Page/q/{n}/{W}x{H}`); others are a 480. */
export const THUMBNAIL_SIZES = ['80x80', '120x120', '160x160', '200x200', '300x300'] as const;

/**
 * The viewer's calls (`DocumentID=u{viewingSessionId}`): the session id is the credential, so the
 * session is found by id alone and its own account scopes everything after. Images are answered
 * as object keys (the gateway streams them); a watermarked session only ever answers stamped ones.
 */
@Injectable()
export class PagesService {
  constructor(
    private readonly sessions: ViewingSessionsRepository,
    private readonly renditions: Renditions,
    private readonly watermarks: WatermarkedImages,
    private readonly env: ViewingSessionEnv,
  ) {}

  /** The browser viewer's first call: is this a comparison? (An expired or unknown id: the same 404 as every page call.) */
  async viewerSession(request: ViewerRequest): Promise<ViewerSessionReply> {
    const session = await this.sessions.findLiveById(request.viewingSessionId);
    if (!session) throw documentNotFound();
    return { viewingSessionId: session.id, kind: session.kind, expiresAt: session.expiresAt.toISOString() };
  }

  async documentAttributes(request: DocumentAttributesRequest): Promise<{ pageCount: number; pageCountConfidence: number }> {
    const { session, renditionId } = await this.rendition(request.viewingSessionId, request.side);
    const attributes = await this.renditions.documentAttributes(session, renditionId, {
      waitMs: this.env.VIEWING_PAGE_WAIT_MS,
      ...(request.desiredConfidence !== undefined ? { desiredConfidence: request.desiredConfidence } : {}),
    });
    return { pageCount: attributes.pageCount, pageCountConfidence: attributes.confidence };
  }

  async pageAttributes(request: PageRequest): Promise<{ imageWidth: number; imageHeight: number }> {
    const { session, renditionId } = await this.rendition(request.viewingSessionId, request.side);
    const { width, height } = await this.renditions.pageAttributes(session, renditionId, request.page, { waitMs: this.env.VIEWING_PAGE_WAIT_MS });
    return { imageWidth: width, imageHeight: height };
  }

  async pageImage(request: PageImageRequest): Promise<PageImageReply> {
    const thumbnail = request.thumbnailWidth !== undefined || request.thumbnailHeight !== undefined;
    if (thumbnail && !(THUMBNAIL_SIZES as readonly string[]).includes(`${request.thumbnailWidth}x${request.thumbnailHeight}`)) {
      throw viewingInputError('InvalidInput', `Thumbnail sizes are ${THUMBNAIL_SIZES.join(', ')}`, { in: 'path', at: 'size' });
    }
    if (thumbnail && request.contentType === 'svg') throw viewingInputError('InvalidInput', 'Thumbnails are png or jpeg', { in: 'query', at: 'ContentType' });
    const { session, renditionId } = await this.rendition(request.viewingSessionId, request.side);
    const waitMs = this.env.VIEWING_PAGE_WAIT_MS;
    const clean = await this.renditions.pageImage(session, renditionId, request.page, {
      contentType: request.contentType,
      waitMs,
      ...(request.scale !== undefined ? { scale: request.scale } : {}),
      ...(thumbnail ? { thumbnail: { width: request.thumbnailWidth!, height: request.thumbnailHeight! } } : {}),
    });
    if (!session.watermarks.length) return { objectKey: clean.objectKey, contentType: clean.contentType, etag: clean.etag };
    const page = await this.renditions.pageAttributes(session, renditionId, request.page, { waitMs });
    return this.watermarks.stamped(session, clean, session.watermarks, page.width);
  }

  async text(request: TextRequest): Promise<{ pages: PageText[] }> {
    if (request.end < request.begin) throw viewingInputError('InvalidInput', 'end is before begin', { in: 'path', at: 'end' });
    if (request.end - request.begin > 100) throw viewingInputError('InvalidInput', 'At most 101 pages of text at once', { in: 'path', at: 'end' });
    const { session, renditionId } = await this.rendition(request.viewingSessionId, request.side);
    return { pages: await this.renditions.text(session, renditionId, request.begin, request.end, { waitMs: this.env.VIEWING_PAGE_WAIT_MS }) };
  }

  /**
   * The live session and the rendition its pages come from: a comparison's `side` (revised unless
   * `side=original`); a single-document session has no original side (480 at `side`).
   */
  private async rendition(viewingSessionId: string, side: ComparisonSide = 'revised'): Promise<{ session: ViewingSession; renditionId: string }> {
    const session = await this.sessions.findLiveById(viewingSessionId);
    if (!session) throw documentNotFound();
    if (session.kind !== 'comparison' && side === 'original') {
      throw viewingInputError('InvalidInput', 'side=original is for comparison sessions only', { in: 'query', at: 'side' });
    }
    const sources = await this.sessions.sources(session, session.id);
    const source = session.kind === 'comparison' ? sources.find((s) => s.slot === side) : sources.find((s) => s.slot === 'single');
    if (!source?.renditionId) {
      throw viewingInputError('InvalidInput', 'The document has not been uploaded yet', { in: 'query', at: 'DocumentID' });
    }
    return { session, renditionId: source.renditionId };
  }
}
