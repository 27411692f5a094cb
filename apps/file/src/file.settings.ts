import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { FileCategory } from '@quire/contracts';
import { FileEnv } from './file.env';
import { knownExtensions } from './files/file-types';
import { ViewLinkSigner } from './views/view-link';

export interface VariantSize {
  width: number;
  height: number;
  /** `WxH`, as in the query string and the cache key. */
  label: string;
}

/** FileEnv read once into the shapes the code uses. */
@Injectable()
export class FileSettings {
  readonly linkSecret: string;
  readonly linkTtlSeconds: number;
  /** Signs and checks view links with the secret and TTL above. */
  readonly viewLinks: ViewLinkSigner;
  readonly allowedExtensions: ReadonlySet<string>;
  readonly maxBytes: Readonly<Record<FileCategory, number>>;
  readonly variantSizes: ReadonlyMap<string, VariantSize>;
  readonly maxInputPixels: number;

  constructor(env: FileEnv) {
    this.linkSecret = env.FILE_LINK_SECRET ?? randomBytes(32).toString('hex');
    this.linkTtlSeconds = env.FILE_LINK_TTL_SECONDS;
    this.viewLinks = new ViewLinkSigner(this.linkSecret, this.linkTtlSeconds);
    const allowed = env.FILE_ALLOWED_TYPES.split(',');
    const unknown = allowed.filter((ext) => !knownExtensions().includes(ext));
    if (unknown.length) throw new Error(`FILE_ALLOWED_TYPES: unknown type(s) ${unknown.join(', ')}; known: ${knownExtensions().join(', ')}`);
    this.allowedExtensions = new Set(allowed);
    this.maxBytes = {
      intake_attachment: env.FILE_MAX_BYTES_INTAKE_ATTACHMENT,
      user_consent: env.FILE_MAX_BYTES_USER_CONSENT,
      user_avatar: env.FILE_MAX_BYTES_USER_AVATAR,
      user_document: env.FILE_MAX_BYTES_USER_DOCUMENT,
    };
    this.variantSizes = new Map(
      env.FILE_VARIANT_SIZES.split(',').map((label) => {
        const [width, height] = label.split('x').map(Number) as [number, number];
        return [label, { width, height, label }];
      }),
    );
    this.maxInputPixels = env.FILE_VARIANT_MAX_INPUT_PIXELS;
  }

  largestMaxBytes(): number {
    return Math.max(...Object.values(this.maxBytes));
  }
}
