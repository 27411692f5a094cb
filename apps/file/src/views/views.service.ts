import { Injectable, Logger } from '@nestjs/common';
import { FileViewReply, ViewFileRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { ObjectStorage } from '@quire/platform';
import { FileSettings, VariantSize } from '../file.settings';
import { StoredFile } from '../files/file.entity';
import { isResizable } from '../files/file-types';
import { FilesRepository } from '../files/files.repository';
import { storageCall } from '../storage-call';
import { SingleFlight } from './single-flight';
import { VariantRenderer } from './variant-renderer';
import { variantKey } from './variant-keys';
import { ViewLinkSigner } from './view-link';

/**
 * Signed view links. The signature is checked first (403), then the live row (404: a deleted
 * file's links die with it). Resized images are rendered here, next to the bytes in S3, and
 * cached there; only keys cross NATS.
 */
@Injectable()
export class ViewsService {
  private readonly links: ViewLinkSigner;
  private readonly logger = new Logger(ViewsService.name);
  private readonly renders = new SingleFlight<number>();

  constructor(
    private readonly files: FilesRepository,
    private readonly storage: ObjectStorage,
    private readonly settings: FileSettings,
    private readonly renderer: VariantRenderer,
  ) {
    this.links = new ViewLinkSigner(settings.linkSecret, settings.linkTtlSeconds);
  }

  async resolve(request: ViewFileRequest): Promise<FileViewReply> {
    if (!this.links.verify(request.id, request.authCode, request.time, request.size)) {
      throw DomainError.forbidden('The link is invalid or has expired');
    }
    const file = await this.files.findForViewLink(request.id);
    if (!file) throw DomainError.notFound('File');
    const size = request.size !== undefined && isResizable(file.contentType) ? this.presetSize(request.size) : undefined;
    // The log row and the object lookup are independent: one does not wait for the other.
    const [reply] = await Promise.all([
      size ? this.variant(file, size) : this.original(file),
      this.files.logView(file.accountId, file.id, size?.label ?? null),
    ]);
    return reply;
  }

  private async original(file: StoredFile): Promise<FileViewReply> {
    return { key: file.storageKey, fileName: file.name, contentType: file.contentType, size: file.size, etag: `"${file.sha256}"` };
  }

  private async variant(file: StoredFile, size: VariantSize): Promise<FileViewReply> {
    const key = variantKey(file.accountId, file.sha256, size.label);
    // No in-process "exists" cache: another replica may have deleted the variant with its file.
    const bytes = await storageCall(this.logger, 'Making a variant', () => this.renders.run(key, () => this.renderInto(file, size, key)));
    const base = file.name.replace(/\.[^.]*$/, '');
    return { key, fileName: `${base}-${size.label}.png`, contentType: 'image/png', size: bytes, etag: `"${file.sha256}-${size.label}"` };
  }

  /**
   * Looks in S3 first (another replica, or this one before a restart, may have made it). Two
   * replicas may render the same variant at the same moment: both write the same bytes to the
   * same key, so the second PUT changes nothing. Answers the variant's size in bytes.
   */
  private async renderInto(file: StoredFile, size: VariantSize, key: string): Promise<number> {
    const stored = await this.storage.head(key);
    if (stored) return stored.size;
    const source = await this.storage.getBuffer(file.storageKey);
    if (!source) throw DomainError.notFound('File');
    const png = await this.renderer.render(source, size);
    await this.storage.put(key, png, 'image/png');
    return png.length;
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
