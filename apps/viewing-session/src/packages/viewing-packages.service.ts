import { randomUUID } from 'node:crypto';
import type { AccountScope, ObjectStorage } from '@quire/platform';
import { ReadyPackage, Renditions, SourceObject, ViewingPackages } from '../renditions/renditions.api';
import type { RenditionState } from '../renditions/rendition.entity';
import { VIEWING_PREFIX } from '../sessions/storage-keys';
import { PackageSource } from './viewing-package.entity';
import { ViewingPackagesRepository } from './viewing-packages.repository';

/** Where the SourceFile of an upload package creator goes (a new key per attempt). */
export function packageSourcePrefix(processId: string): string {
  return `${VIEWING_PREFIX}packages/${processId}/`;
}

export type PackageState = 'queued' | 'processing' | 'complete' | 'error';

export interface PackageInfo {
  processId: string;
  documentId: string;
  state: PackageState;
  percentComplete: number;
  /** An upload package whose SourceFile has not been put yet. */
  awaitingUpload: boolean;
  sourceType: 'document' | 'upload';
  fileName?: string;
  displayName?: string;
  lifetimeSeconds: number;
  expiresAt: Date;
}

/**
 * Viewing packages over renditions: one row per account + documentId (a new package replaces
 * the old one), ready when its rendition is. The object an upload package's SourceFile was
 * stored in is the package's: it goes when the package is replaced, deleted or expires.
 */
export class ViewingPackagesService extends ViewingPackages {
  constructor(
    private readonly packages: ViewingPackagesRepository,
    private readonly renditions: Renditions,
    private readonly storage: ObjectStorage,
  ) {
    super();
  }

  async startForDocument(scope: AccountScope, documentId: string, source: SourceObject, lifetimeSeconds: number): Promise<{ processId: string }> {
    const { renditionId } = await this.renditions.start(scope, source);
    const upserted = await this.packages.upsertForDocument(scope, { processId: randomUUID(), documentId, renditionId, source: { ...source }, lifetimeSeconds });
    await this.deleteUploads([upserted.replaced]);
    return { processId: upserted.processId };
  }

  async findReady(scope: AccountScope, documentId: string): Promise<ReadyPackage | undefined> {
    const found = await this.packages.findReady(scope, documentId);
    return found && { renditionId: found.renditionId, source: found.source as unknown as SourceObject, render: found.renderOptions };
  }

  /**
   * An `upload` package: the row exists before its bytes (no rendition yet, `source.awaitingUpload`);
   * `attachUpload` gives it one. A new creator of the same documentId replaces the old row.
   */
  async awaitUpload(scope: AccountScope, documentId: string, displayName: string | undefined, lifetimeSeconds: number): Promise<{ processId: string }> {
    const source = { awaitingUpload: true, upload: true, ...(displayName ? { displayName } : {}) };
    const upserted = await this.packages.upsertAwaitingUpload(scope, { processId: randomUUID(), documentId, source, lifetimeSeconds });
    await this.deleteUploads([upserted.replaced]);
    return { processId: upserted.processId };
  }

  /** Starts the rendition of an awaiting upload package; false when the process is unknown or has its bytes already. */
  async attachUpload(scope: AccountScope, processId: string, source: SourceObject, displayName?: string): Promise<boolean> {
    const { renditionId } = await this.renditions.start(scope, source);
    return this.packages.attachUpload(scope, processId, renditionId, { ...source, upload: true, ...(displayName ? { displayName } : {}) });
  }

  /** A live package row with its creator's state, by process id or by documentId. */
  async describe(scope: AccountScope, by: { processId: string } | { documentId: string }): Promise<PackageInfo | undefined> {
    const row = await this.packages.describe(scope, by);
    if (!row) return undefined;
    const awaitingUpload = row.state === null && row.source['awaitingUpload'] === true;
    const state: PackageState = awaitingUpload ? 'queued' : packageState(row.state);
    return {
      processId: row.processId,
      documentId: row.documentId,
      state,
      percentComplete: percentComplete(state, row),
      awaitingUpload,
      sourceType: row.source['upload'] === true ? 'upload' : 'document',
      ...(typeof row.source['fileName'] === 'string' ? { fileName: row.source['fileName'] } : {}),
      ...(typeof row.source['displayName'] === 'string' ? { displayName: row.source['displayName'] } : {}),
      lifetimeSeconds: Math.round((row.expiresAt.getTime() - row.createdAt.getTime()) / 1000),
      expiresAt: row.expiresAt,
    };
  }

  /** State of a package creator process (queued | processing | complete | error). */
  async process(scope: AccountScope, processId: string): Promise<{ state: string; percentComplete: number } | undefined> {
    const row = await this.packages.processState(scope, processId);
    if (!row) return undefined;
    const state = row.state === 'ready' ? 'complete' : (row.state ?? 'error');
    return { state, percentComplete: percentComplete(state, row) };
  }

  async delete(scope: AccountScope, documentId: string): Promise<boolean> {
    const source = await this.packages.delete(scope, documentId);
    if (source === undefined) return false;
    await this.deleteUploads([source]);
    return true;
  }

  /** Deletes expired packages and their uploads (their renditions age out through the renditions sweeper). */
  async sweep(limit = 500): Promise<number> {
    const sources = await this.packages.deleteExpired(limit);
    await this.deleteUploads(sources);
    return sources.length;
  }

  /** Deletes the objects upload packages stored their SourceFile in (a document package's bytes are the document's owner's). */
  private async deleteUploads(sources: Array<PackageSource | null>): Promise<void> {
    const keys = sources
      .filter((source): source is PackageSource => source?.['upload'] === true)
      .map((source) => source['objectKey'])
      .filter((key): key is string => typeof key === 'string' && key.startsWith(`${VIEWING_PREFIX}packages/`));
    if (keys.length) await this.storage.deleteQuietly(keys);
  }
}

function packageState(state: RenditionState | null): PackageState {
  return state === 'ready' ? 'complete' : state === 'queued' || state === 'processing' ? state : 'error';
}

/**
 * Progress of a creator: 100 once complete (viewable); before that, the share of pages whose
 * image is made (0 until the page count is known), never 100 before the state says complete.
 */
function percentComplete(state: string, progress: { pageCount: number | null; renderedPages: number }): number {
  if (state === 'complete') return 100;
  if (state !== 'processing' || !progress.pageCount) return 0;
  return Math.min(99, Math.floor((100 * progress.renderedPages) / progress.pageCount));
}
