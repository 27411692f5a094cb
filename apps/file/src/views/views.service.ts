import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { FileViewReply, ViewFileRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { ObjectStorage } from '@quire/platform';
import { FileSettings, VariantSize } from '../file.settings';
import { isResizable } from '../files/file-types';
import { FilesRepository, ViewableFile } from '../files/files.repository';
import { VariantRenderer } from './variant-renderer';
import { variantKey } from './variant-keys';
import { ViewLog } from './view-log';

/** A bounded set of keys; the oldest go first. */
class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly max: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string);
  }

  delete(key: string): void {
    this.keys.delete(key);
  }
}

/** A render under way: whether the variant was missing (known first), then its size once stored. */
interface RenderInFlight {
  missing: Promise<boolean>;
  stored: Promise<number>;
}

/**
 * Signed view links. The signature is checked first (403), then the live row (404: a deleted
 * file's links die with it). Resized images are rendered here, next to the bytes in S3, and
 * cached there. A first answer names the variant's key; for a key this process stored lately it
 * does not look in S3 at all (the gateway's read tells). The gateway asks for a render when the
 * key is missing; the answer comes once the PNG is stored, and the gateway reads it from S3 (the
 * bytes never cross NATS).
 */
@Injectable()
export class ViewsService implements OnModuleDestroy {
  private readonly logger = new Logger(ViewsService.name);
  /** Renders in flight (single-flight), each until its PNG is in S3, not only until it is rendered. */
  private readonly renders = new Map<string, RenderInFlight>();
  /** Variant keys this process stored or saw in S3 lately: no need to look them up again. */
  private readonly stored = new RecentKeys(10_000);
  private readonly viewLog: ViewLog;

  constructor(
    private readonly files: FilesRepository,
    private readonly storage: ObjectStorage,
    private readonly settings: FileSettings,
    private readonly renderer: VariantRenderer,
  ) {
    this.viewLog = new ViewLog((views) => this.files.logViews(views), this.logger);
  }

  async resolve(request: ViewFileRequest): Promise<FileViewReply> {
    if (!this.settings.viewLinks.verify(request.id, request.authCode, request.time, request.size)) {
      throw DomainError.forbidden('The link is invalid or has expired');
    }
    const file = await this.files.findForViewLink(request.id);
    if (!file) throw DomainError.notFound('File');
    const size = request.size !== undefined && isResizable(file.contentType) ? this.presetSize(request.size) : undefined;
    if (size && request.render) return this.rendered(file, size);
    // The view is logged off the reply's path (the first answer of a view only, never the render).
    this.viewLog.record({ accountId: file.accountId, fileId: file.id, variant: size?.label ?? null, viewedAt: new Date() });
    if (!size) return { key: file.storageKey, fileName: file.name, contentType: file.contentType, size: file.size, etag: `"${file.sha256}"` };
    const reply = this.describeVariant(file, size);
    return (await this.prepare(file, size, reply.key)) ? { ...reply, variant: true, rendering: true } : { ...reply, variant: true };
  }

  /**
   * Whether the variant is being rendered (the gateway then asks for it straight away instead of
   * reading S3 first). A key this process stored lately is answered at once, without a look in
   * S3: the gateway's read decides, and asks for a render if it is gone. Any other key is looked
   * up, and rendered when missing, the original being read at the same time as the lookup.
   */
  private async prepare(file: ViewableFile, size: VariantSize, key: string): Promise<boolean> {
    if (this.renders.has(key)) return true;
    if (this.stored.has(key)) return false;
    const render = this.render(file, size, key);
    render.stored.catch((error: unknown) => {
      // The render request that follows gets the same error; only the unexpected is logged here.
      if (!(error instanceof DomainError)) this.logger.warn({ err: error, key }, 'Preparing a variant failed');
    });
    return render.missing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.viewLog.flush();
  }

  private describeVariant(file: ViewableFile, size: VariantSize): FileViewReply {
    const base = file.name.replace(/\.[^.]*$/, '');
    return {
      key: variantKey(file.accountId, file.sha256, size.label),
      fileName: `${base}-${size.label}.png`,
      contentType: 'image/png',
      etag: `"${file.sha256}-${size.label}"`,
    };
  }

  /** The gateway found the variant missing: render it (once per process at a time) and answer it. */
  private async rendered(file: ViewableFile, size: VariantSize): Promise<FileViewReply> {
    const reply = this.describeVariant(file, size);
    this.stored.delete(reply.key); // the gateway just missed it: whatever this process knew is stale
    // Storage failures arrive mapped by ObjectStorage (503); the renderer's are domain errors (400).
    const bytes = await this.render(file, size, reply.key).stored;
    return { ...reply, size: bytes };
  }

  /**
   * Concurrent requests share one render, answered once its PNG is stored in S3 (the gateway reads
   * it from there); it stays "in flight" until then, so a request that missed the object meanwhile
   * joins it instead of rendering again. The object is looked up at the same time as the original is
   * read, in case another replica (or this one, just before) stored it already. Two replicas may
   * still render the same variant at the same moment: both write the same bytes to the same key.
   */
  private render(file: ViewableFile, size: VariantSize, key: string): RenderInFlight {
    const running = this.renders.get(key);
    if (running) return running;
    // The original is read while the variant is looked up; the read is cancelled if it exists.
    const cancel = new AbortController();
    const source = this.storage.getBuffer(file.storageKey, cancel.signal);
    source.catch(() => undefined);
    const existing = this.storage.head(key);
    const storing = (async (): Promise<number> => {
      const found = await existing.catch((error: unknown) => {
        cancel.abort();
        throw error;
      });
      if (found) {
        cancel.abort();
        this.stored.add(key);
        return found.size;
      }
      const bytes = await source;
      if (!bytes) throw DomainError.notFound('File');
      const png = await this.renderer.render(bytes, size);
      try {
        await this.storage.put(key, png, 'image/png');
      } catch (error) {
        this.logger.error({ err: error, key }, 'Storing a variant failed');
        throw error;
      }
      this.stored.add(key);
      return png.length;
    })();
    const entry: RenderInFlight = {
      // A failed lookup says "not missing": the gateway's own read then decides (and reports).
      missing: existing.then(
        (found) => found === undefined,
        () => false,
      ),
      stored: storing,
    };
    this.renders.set(key, entry);
    void storing.then(
      () => this.renders.delete(key),
      () => this.renders.delete(key),
    );
    return entry;
  }

  private presetSize(label: string): VariantSize {
    const size = this.settings.variantSizes.get(label);
    if (!size) {
      throw DomainError.validation(`size must be one of ${[...this.settings.variantSizes.keys()].join(', ')}`, {
        fields: { size: ['not a preset size'] },
      });
    }
    return size;
  }
}
