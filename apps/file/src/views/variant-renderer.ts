import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import sharp from 'sharp';
import { DomainError, ErrorCode } from '@quire/errors';
import { FileSettings, VariantSize } from '../file.settings';

export const variantRenders = new Counter({
  name: 'quire_file_variant_renders_total',
  help: 'Image variants rendered (cache misses that did the work)',
});

/**
 * Resized images: always PNG, fitted inside the box without enlarging, EXIF orientation applied.
 * The pixel count is read from the header and checked before anything is decoded.
 */
@Injectable()
export class VariantRenderer {
  constructor(private readonly settings: FileSettings) {}

  async render(source: Buffer, size: VariantSize): Promise<Buffer> {
    const limit = this.settings.maxInputPixels;
    const metadata = await sharp(source, { limitInputPixels: false }).metadata().catch(() => undefined);
    if (!metadata?.width || !metadata.height) throw new DomainError(ErrorCode.BadRequest, 'The image cannot be read');
    if (metadata.width * metadata.height > limit) {
      throw new DomainError(ErrorCode.BadRequest, `The image has more than ${limit} pixels and is not resized`, {
        width: metadata.width,
        height: metadata.height,
      });
    }
    try {
      const png = await sharp(source, { limitInputPixels: limit })
        .rotate()
        .resize(size.width, size.height, { fit: 'inside', withoutEnlargement: true })
        .png()
        .toBuffer();
      variantRenders.inc();
      return png;
    } catch {
      throw new DomainError(ErrorCode.BadRequest, 'The image cannot be decoded');
    }
  }
}
