import { createHash, randomUUID } from 'node:crypto';
import type { AccountScope, ObjectStorage } from '@quire/platform';
import { DomainError } from '@quire/errors';
import { ConversionQueue } from './conversion-queue';
import { detectFormat } from './formats';
import { DEFAULT_RENDER } from './page-variants';
import { ConverterUnavailable, SourceObject } from './renditions.api';
import { RenditionsRepository } from './renditions.repository';

export interface StartRenditionCommand {
  scope: AccountScope;
  source: SourceObject;
}

/** Bytes the format is told from. */
const HEAD_BYTES = 4096;
const OPTIONS_HASH = createHash('sha256').update(JSON.stringify(DEFAULT_RENDER)).digest('hex').slice(0, 16);

/**
 * `Renditions.start`: the source's sha256 and format, then the account's rendition of those
 * bytes — found (and touched), retried when it had failed, or inserted and enqueued (the row is
 * removed again when the queue refuses the job). No transaction: the queue is not the database.
 */
export class StartRenditionUseCase {
  constructor(
    private readonly repository: RenditionsRepository,
    private readonly storage: ObjectStorage,
    private readonly queue: ConversionQueue,
    private readonly options: { converterInstalled: boolean },
  ) {}

  async execute({ scope, source }: StartRenditionCommand): Promise<{ renditionId: string }> {
    const { sha256, head } = await this.digest(source);
    const { format, kind } = detectFormat(head, source.name, source.contentType);
    if (kind === 'office' && !this.options.converterInstalled) throw new ConverterUnavailable();
    const id = randomUUID();
    const rendition = { id, sha256, optionsHash: OPTIONS_HASH, renderOptions: DEFAULT_RENDER, format, kind, sourceKey: source.objectKey, sourceSize: source.sizeBytes };
    if (!(await this.repository.insertQueued(scope, rendition))) return this.reuse(scope, sha256, source);
    try {
      await this.enqueue(scope, id, source);
    } catch (error) {
      await this.repository.remove(scope, id);
      throw error;
    }
    return { renditionId: id };
  }

  /** The account has these bytes already: that rendition, tried again with these bytes if it had failed. */
  private async reuse(scope: AccountScope, sha256: string, source: SourceObject): Promise<{ renditionId: string }> {
    const existing = (await this.repository.touch(scope, sha256, OPTIONS_HASH))!;
    if (existing.state === 'error') {
      await this.repository.requeue(scope, existing.id, source.objectKey);
      await this.enqueue(scope, existing.id, source);
    }
    return { renditionId: existing.id };
  }

  /** The sha256 (given, or computed from the whole object) and the first bytes. */
  private async digest(source: SourceObject): Promise<{ sha256: string; head: Buffer }> {
    if (!source.sha256) {
      const bytes = await this.storage.getBuffer(source.objectKey);
      if (!bytes) throw DomainError.notFound('Source file', { objectKey: source.objectKey });
      return { sha256: createHash('sha256').update(bytes).digest('hex'), head: bytes.subarray(0, HEAD_BYTES) };
    }
    const part = await this.storage.get(source.objectKey, `bytes=0-${HEAD_BYTES - 1}`);
    if (!part) throw DomainError.notFound('Source file', { objectKey: source.objectKey });
    return { sha256: source.sha256, head: await streamToBuffer(part.body) };
  }

  private async enqueue(scope: AccountScope, renditionId: string, source: SourceObject): Promise<void> {
    await this.queue.enqueue({ renditionId, accountId: scope.accountId }, this.queue.sizeClassOf(source.sizeBytes));
  }
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
