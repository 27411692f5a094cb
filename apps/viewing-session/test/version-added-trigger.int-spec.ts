import { randomUUID } from 'node:crypto';
import { connect, JetStreamManager, JSONCodec, NatsConnection } from 'nats';
import { DocumentEvent, Principal, ViewingSourceReply } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { uniqueId, waitFor } from '@quire/testing';
import { ViewingPackagesService } from '../src/packages/viewing-packages.service';
import { SourceObject } from '../src/renditions/renditions.api';
import { DocumentSources } from '../src/sessions/document-sources';
import { VersionAddedTrigger } from '../src/triggers/version-added-trigger';
import { ViewingSessionEnv } from '../src/viewing-session.env';

/**
 * The version_added trigger's delivery rules against the real NATS JetStream: the stream captures
 * core publishes, a failure that may pass is redelivered up to the bound, one that cannot is dropped
 * at once. The document lookup and the package service are stand-ins that record calls and fail on
 * request (the e2e spec runs the real ones).
 */
describe('VersionAddedTrigger (real JetStream)', () => {
  let nats: NatsConnection;
  let jsm: JetStreamManager;
  const triggers: VersionAddedTrigger[] = [];
  const codec = JSONCodec<DocumentEvent>();

  beforeAll(async () => {
    nats = await connect({ servers: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222' });
    jsm = await nats.jetstreamManager();
  });

  afterAll(async () => {
    for (const trigger of triggers) {
      await trigger.onApplicationShutdown();
      await jsm.streams.delete(trigger.stream).catch(() => undefined);
    }
    await nats.drain();
  });

  /** A trigger whose lookup answers `outcomes` in turn (an error is thrown), then the object. */
  async function started(outcomes: Array<DomainError | Error> = [], overrides: Partial<ViewingSessionEnv> = {}) {
    const env = Object.assign(new ViewingSessionEnv(), {
      NATS_SUBJECT_PREFIX: `t${uniqueId()}.`,
      VIEWING_PACKAGE_ON_VERSION_ADDED: true,
      VIEWING_PACKAGE_TRIGGER_MAX_DELIVERIES: 3,
      VIEWING_PACKAGE_LIFETIME_SECONDS: 600,
      ...overrides,
    });
    const lookups: Array<{ principal: Principal; fileName: string }> = [];
    const packaged: Array<{ accountId: string; documentId: string; source: SourceObject; lifetimeSeconds: number }> = [];
    const documents = {
      async resolve(principal: Principal, fileName: string): Promise<ViewingSourceReply> {
        lookups.push({ principal, fileName });
        const outcome = outcomes.shift();
        if (outcome) throw outcome;
        return { objectKey: `document-repository/${fileName}`, sizeBytes: 10, contentType: 'application/pdf', name: 'report.pdf' };
      },
    } as unknown as DocumentSources;
    const packages = {
      async startForDocument(scope: { accountId: string }, documentId: string, source: SourceObject, lifetimeSeconds: number) {
        packaged.push({ accountId: scope.accountId, documentId, source, lifetimeSeconds });
        return { processId: randomUUID() };
      },
    } as unknown as ViewingPackagesService;
    const trigger = new VersionAddedTrigger(nats, env, documents, packages);
    triggers.push(trigger);
    await trigger.start();
    let published = 0;
    const publish = (event: Partial<DocumentEvent>) => {
      nats.publish(trigger.subject, codec.encode(event as DocumentEvent));
      published += 1;
    };
    /** Every event published so far is in the stream, and none is left (acked or given up). */
    const streamDone = () =>
      waitFor(
        async () => {
          const { state } = await jsm.streams.info(trigger.stream);
          return state.last_seq >= published && state.messages === 0;
        },
        { timeoutMs: 20_000, description: 'every event to be handled' },
      );
    return { trigger, env, lookups, packaged, publish, streamDone };
  }

  const event = (): DocumentEvent => ({ accountId: randomUUID(), projectId: randomUUID(), documentId: randomUUID(), versionId: randomUUID() });

  it('packages the document of a core-published event as docrepo.<documentId> with an account-only principal', async () => {
    const { lookups, packaged, publish, streamDone } = await started();
    const added = event();
    publish(added);
    await waitFor(() => packaged.length === 1, { timeoutMs: 10_000, description: 'the package' });
    expect(lookups).toEqual([{ principal: expect.objectContaining({ accountId: added.accountId, roles: [], scopes: [] }), fileName: `docrepo:${added.documentId}` }]);
    expect(packaged[0]).toMatchObject({
      accountId: added.accountId,
      documentId: `docrepo.${added.documentId}`,
      source: { objectKey: `document-repository/docrepo:${added.documentId}`, fileName: `docrepo:${added.documentId}` },
      lifetimeSeconds: 600,
    });
    await streamDone();
  });

  it('redelivers after a failure that may pass (docrepo down), and stops at the delivery bound', async () => {
    const unavailable = () => new DomainError(ErrorCode.ServiceUnavailable, 'The document-repository service is not available');
    const { lookups, packaged, publish, streamDone } = await started([unavailable()]);
    publish(event());
    await waitFor(() => packaged.length === 1, { timeoutMs: 15_000, description: 'the package after one retry' });
    expect(lookups).toHaveLength(2);

    const failing = await started([unavailable(), unavailable(), unavailable(), unavailable()]);
    failing.publish(event());
    await failing.streamDone();
    // Three deliveries (the bound), then the event is given up: the fourth outcome is never used.
    expect(failing.lookups).toHaveLength(3);
    expect(failing.packaged).toHaveLength(0);
    await streamDone();
  });

  it('drops at once an event whose document is gone, or that names no docrepo document', async () => {
    const { lookups, packaged, publish, streamDone } = await started([DomainError.notFound('Document')]);
    publish(event());
    publish({ accountId: 'not-an-account', documentId: randomUUID() });
    publish({ accountId: randomUUID(), documentId: '../etc' });
    await streamDone();
    expect(lookups).toHaveLength(1);
    expect(packaged).toHaveLength(0);
  });

  it('a process with the flag off deletes the stream; one with it on makes it again', async () => {
    const on = await started();
    const prefix = on.env.NATS_SUBJECT_PREFIX;
    await on.trigger.onApplicationShutdown();
    const off = await started([], { NATS_SUBJECT_PREFIX: prefix, VIEWING_PACKAGE_ON_VERSION_ADDED: false });
    await expect(jsm.streams.info(off.trigger.stream)).rejects.toThrow(/stream not found/);
    const again = await started([], { NATS_SUBJECT_PREFIX: prefix });
    again.publish(event());
    await waitFor(() => again.packaged.length === 1, { timeoutMs: 10_000, description: 'the package' });
  });
});
