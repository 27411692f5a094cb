import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import type { PageImageReply, WatermarkBody } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { AccountScope, ObjectStorage } from '@quire/platform';
import type { PageImage } from '../renditions/renditions.api';
import { watermarkedKey } from '../sessions/storage-keys';
import { stampSvg, watermarkLayerSvg } from './watermark-layer';

/** Bumped when stamping changes, so old stamped variants are not served again. */
const STAMP_VERSION = 'v1';

/**
 * Stamps the watermarks of a session on a clean page image (never on the cached clean one): the
 * stamped variant is stored under a key named by the clean image's etag and the watermarks' hash,
 * so each variant is made once and every image that leaves a watermarked session is stamped.
 */
@Injectable()
export class WatermarkedImages {
  constructor(private readonly storage: ObjectStorage) {}

  /** `pageWidth` is the page's width at scale 1 (96 dpi): it sizes the text on thumbnails. */
  async stamped(scope: AccountScope, clean: PageImage, watermarks: readonly WatermarkBody[], pageWidth: number): Promise<PageImageReply> {
    const extension = clean.contentType.includes('svg') ? 'svg' : clean.contentType.includes('jpeg') ? 'jpg' : 'png';
    const digest = createHash('sha256').update(STAMP_VERSION).update(clean.etag).update(clean.objectKey).update(JSON.stringify(watermarks)).digest('hex');
    const key = watermarkedKey(scope.accountId, digest, extension);
    const existing = await this.storage.head(key);
    if (existing) return { objectKey: key, contentType: clean.contentType, etag: existing.etag ?? `"${digest}"` };
    const source = await this.storage.getBuffer(clean.objectKey);
    if (!source) throw new DomainError(ErrorCode.ServiceUnavailable, 'The page image is not available, try again', { retryAfterSeconds: 1 });
    const scale = pageWidth > 0 ? clean.width / pageWidth : 1;
    const body = extension === 'svg' ? Buffer.from(stampSvg(source.toString('utf8'), watermarks, clean, scale)) : await stampRaster(source, watermarks, scale, extension);
    await this.storage.put(key, body, clean.contentType);
    const stored = await this.storage.head(key);
    return { objectKey: key, contentType: clean.contentType, etag: stored?.etag ?? `"${digest}"` };
  }
}

export async function stampRaster(image: Buffer, watermarks: readonly WatermarkBody[], scale: number, format: 'png' | 'jpg'): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(image).metadata();
  const layer = Buffer.from(watermarkLayerSvg(watermarks, { width, height, scale }));
  const stamped = sharp(image).composite([{ input: layer, top: 0, left: 0 }]);
  return format === 'jpg' ? stamped.jpeg({ quality: 85 }).toBuffer() : stamped.png({ compressionLevel: 2 }).toBuffer();
}
