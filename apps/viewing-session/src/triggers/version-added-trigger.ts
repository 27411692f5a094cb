import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AckPolicy, ConsumerMessages, DiscardPolicy, JetStreamManager, JsMsg, JSONCodec, NatsConnection, NatsError, nanos, RetentionPolicy, StorageType } from 'nats';
import { DocumentEvent, DocumentRepositoryEvents, Principal, VIEWING_DOCUMENT_ID_PATTERN } from '@quire/contracts';
import { assertUnreachable, DomainError, ErrorCode } from '@quire/errors';
import { NATS_CONNECTION } from '@quire/platform';
import { ViewingPackagesService } from '../packages/viewing-packages.service';
import { DocumentSources } from '../sessions/document-sources';
import { ViewingSessionEnv } from '../viewing-session.env';

/** The viewing package a document-repository document gets: `docrepo.<documentId>` (a valid package documentId). */
export function docrepoPackageId(documentId: string): string {
  return `docrepo.${documentId}`;
}

/** Ids the `docrepo:` fileName scheme accepts (file-name-scheme.ts). */
const DOCREPO_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Events older than this are dropped from the stream (viewing down for a week loses them). */
const EVENT_RETENTION_DAYS = 7;
/** Redelivery delay after a failure that may pass (docrepo down, queue full): doubles per delivery up to this. */
const MAX_RETRY_DELAY_MS = 60_000;
const JS_STREAM_NOT_FOUND = 10059;

const codec = JSONCodec<DocumentEvent>();

/** Is the failure about this event (retrying cannot help) or about the moment (retry later)? */
function isPermanent(error: unknown): boolean {
  if (!(error instanceof DomainError)) return false;
  switch (error.code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.BadRequest:
    case ErrorCode.InvalidFileType:
    case ErrorCode.Unauthenticated:
    case ErrorCode.Forbidden:
    case ErrorCode.NotFound:
    case ErrorCode.Conflict:
    case ErrorCode.PayloadTooLarge:
    case ErrorCode.UriTooLong:
    case ErrorCode.UnsupportedMediaType:
      return true;
    case ErrorCode.RateLimited:
    case ErrorCode.RequestTimeout:
    case ErrorCode.ServiceUnavailable:
    case ErrorCode.UpstreamTimeout:
    case ErrorCode.Internal:
      return false;
    default:
      return assertUnreachable(error.code);
  }
}

/**
 * `VIEWING_PACKAGE_ON_VERSION_ADDED`: every document-repository `version_added` event makes (or
 * refreshes) the viewing package `docrepo.<documentId>` of the document's current version, through
 * the same package service as `POST /v2/viewingPackageCreators`.
 *
 * The event is a core NATS publish (docrepo's outbox); a JetStream stream captures its subject so
 * events published while viewing is down wait for it, and one durable pull consumer shared by the
 * replicas hands each event to one of them. Redelivery is harmless: the rendition is keyed by the
 * bytes' sha256 (no second conversion) and the package row by account + documentId. A failure that
 * may pass is retried with a growing delay up to `VIEWING_PACKAGE_TRIGGER_MAX_DELIVERIES`; one that
 * cannot (the document was deleted, its format cannot be viewed) is dropped at once. With the flag
 * off the stream is deleted, so nothing piles up for a consumer that does not run.
 */
@Injectable()
export class VersionAddedTrigger implements OnApplicationShutdown {
  private readonly logger = new Logger(VersionAddedTrigger.name);
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    private readonly env: ViewingSessionEnv,
    private readonly documents: DocumentSources,
    private readonly packages: ViewingPackagesService,
  ) {}

  get stream(): string {
    return `${this.env.NATS_SUBJECT_PREFIX.replace(/[^A-Za-z0-9_-]/g, '_')}VIEWING_VERSION_ADDED`;
  }

  get subject(): string {
    return `${this.env.NATS_SUBJECT_PREFIX}${DocumentRepositoryEvents.versionAdded}`;
  }

  readonly consumer = 'viewing-version-added';

  /** Once the schema is migrated (main.ts): sets the stream up and consumes it, or deletes it when the flag is off. */
  async start(): Promise<void> {
    const jsm = await this.connection.jetstreamManager();
    if (!this.env.VIEWING_PACKAGE_ON_VERSION_ADDED) {
      if (await this.streamExists(jsm)) {
        await jsm.streams.delete(this.stream);
        this.logger.log(`VIEWING_PACKAGE_ON_VERSION_ADDED is off: deleted the stream ${this.stream}`);
      }
      return;
    }
    const config = {
      name: this.stream,
      subjects: [this.subject],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(EVENT_RETENTION_DAYS * 24 * 3_600_000),
    };
    if (await this.streamExists(jsm)) await jsm.streams.update(this.stream, config);
    else await jsm.streams.add(config);
    const consumer = {
      durable_name: this.consumer,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(Math.max(30_000, this.env.NATS_REQUEST_TIMEOUT_MS * 3)),
      max_deliver: this.env.VIEWING_PACKAGE_TRIGGER_MAX_DELIVERIES,
    };
    const existing = await jsm.consumers.info(this.stream, this.consumer).catch(() => undefined);
    if (existing) await jsm.consumers.update(this.stream, this.consumer, consumer);
    else await jsm.consumers.add(this.stream, consumer);
    this.messages = await (await this.connection.jetstream().consumers.get(this.stream, this.consumer)).consume({ max_messages: 1 });
    this.loop = this.consumeAll(this.messages);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }

  /** Makes or refreshes the package of the event's document (its current version). */
  async packageDocument(event: DocumentEvent): Promise<{ processId: string }> {
    if (!UUID.test(String(event.accountId)) || !DOCREPO_ID.test(String(event.documentId))) {
      throw DomainError.validation('The version_added event names no document-repository document', { accountId: event.accountId, documentId: event.documentId });
    }
    // The event carries no user: the package belongs to the account, and the document-repository's
    // viewing-source lookup scopes by account only.
    const principal: Principal = { userId: 'viewing-version-added-trigger', accountId: event.accountId, roles: [], scopes: [] };
    const fileName = `docrepo:${event.documentId}`;
    const documentId = docrepoPackageId(event.documentId);
    if (!VIEWING_DOCUMENT_ID_PATTERN.test(documentId)) throw DomainError.validation('The package documentId would be invalid', { documentId });
    const object = await this.documents.resolve(principal, fileName, 'documentId');
    return this.packages.startForDocument(principal, documentId, { ...object, fileName }, this.env.VIEWING_PACKAGE_LIFETIME_SECONDS);
  }

  private async consumeAll(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) await this.handle(message);
  }

  private async handle(message: JsMsg): Promise<void> {
    const delivery = message.info.redeliveryCount;
    let event: DocumentEvent;
    try {
      event = codec.decode(message.data);
    } catch {
      this.logger.warn(`Dropped a version_added event that is not JSON (stream sequence ${message.seq})`);
      message.term();
      return;
    }
    try {
      await this.packageDocument(event);
      message.ack();
    } catch (error) {
      const reason = (error as Error).message;
      if (isPermanent(error) || delivery >= this.env.VIEWING_PACKAGE_TRIGGER_MAX_DELIVERIES) {
        this.logger.warn({ documentId: event.documentId, accountId: event.accountId, delivery }, `No viewing package for a version_added event: ${reason}`);
        message.term();
        return;
      }
      const retryAfterSeconds = error instanceof DomainError ? error.details['retryAfterSeconds'] : undefined;
      const delayMs = typeof retryAfterSeconds === 'number' ? retryAfterSeconds * 1000 : Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** (delivery - 1));
      this.logger.warn({ documentId: event.documentId, delivery, delayMs }, `Packaging a new version failed, retrying: ${reason}`);
      message.nak(delayMs);
    }
  }

  private async streamExists(jsm: JetStreamManager): Promise<boolean> {
    try {
      await jsm.streams.info(this.stream);
      return true;
    } catch (error) {
      if (error instanceof NatsError && error.api_error?.err_code === JS_STREAM_NOT_FOUND) return false;
      throw error;
    }
  }
}
