import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Controller, Post, Req } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { FastifyRequest } from 'fastify';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { UploadReservation } from '@quire/contracts';
import { ConfigModule, loadEnv, NatsModule, ObjectStorage, RpcClient, StorageModule } from '@quire/platform';
import { listKeys, rawHttpRequest, removeBucket, testEnv, testS3Client, waitFor } from '@quire/testing';
import { GatewayEnv } from '../gateway.env';
import { GatewayExceptionFilter } from '../http/gateway-exception.filter';
import { FileSignatures } from './file-signatures';
import { registerMultipart } from './multipart';
import { UploadSpec } from './upload-spec';
import { UploadPipeline } from './upload-pipeline';
import { UploadsModule } from './uploads.module';

const KiB = 1024;
const MiB = 1024 * KiB;
/** UPLOAD_IDLE_TIMEOUT_SECONDS here. */
const IDLE_SECONDS = 2;

const reportSpec: UploadSpec = {
  files: {
    document: { maxBytes: 256 * KiB, signature: FileSignatures.pdf, description: 'a PDF document' },
    thumbnail: { maxBytes: 64 * KiB, required: false, signature: FileSignatures.image, description: 'an image' },
  },
  fields: { title: { maxLength: 20, required: true }, target: { maxLength: 10 } },
};

const largeSpec: UploadSpec = {
  files: { document: { maxBytes: 160 * MiB, signature: FileSignatures.pdf, description: 'a PDF document' } },
};

/** Two multi-part files: the first completes in S3 while the second is read. */
const pairSpec: UploadSpec = {
  files: {
    document: { maxBytes: 16 * MiB, signature: FileSignatures.pdf, description: 'a PDF document' },
    appendix: { maxBytes: 16 * MiB, signature: FileSignatures.pdf, description: 'a PDF document' },
  },
};

const boundedSpec: UploadSpec = {
  files: { document: { maxBytes: 12 * MiB, signature: FileSignatures.pdf, description: 'a PDF document' } },
};

/** Commit subjects the test controller sends to: one answered by the test, one nobody hears. */
const COMMIT_SUBJECT = 'svc.test-uploads.files.commit';
const NOBODY_SUBJECT = 'svc.test-uploads.files.nobody';
/** A reserved commit: the stand-in lets the first attempt of each reservation time out, then answers. */
const SLOW_COMMIT_SUBJECT = 'svc.test-uploads.files.slow-commit';

/** A reserved upload's spec: the document's limit tightened by a `category` read before it. */
const CATEGORY_LIMITS: Record<string, number> = { small: 1000 };
const reservedSpec: UploadSpec = {
  files: {
    document: {
      signature: FileSignatures.pdf,
      description: 'a PDF document',
      maxBytesFor: (fields) => (fields['category'] !== undefined ? CATEGORY_LIMITS[fields['category']] : undefined),
    },
  },
  fields: { category: { maxLength: 20 } },
};

/** Where the test's reservations put files (a service would reserve under its own prefix). */
const RESERVED_PREFIX = 'reserved-test/';

/** A reservation of one fresh key per file field of `spec`, each with the field's limit (a service would answer it). */
function reservationFor(spec: UploadSpec): UploadReservation {
  return {
    reservationId: randomUUID(),
    parts: Object.entries(spec.files).map(([field, file]) => ({ field, key: `${RESERVED_PREFIX}${randomUUID()}`, maxBytes: file.maxBytes ?? 64 * KiB })),
    expiresAt: Date.now() + 60_000,
  };
}

/** Test-only routes under the documents mount, so errors come back as `{code, message, details}`. */
@Controller('api/v1/_test/uploads')
class TestUploadController {
  /** Writes to a bucket that does not exist: every S3 call fails, deletes included. */
  private readonly broken: UploadPipeline;

  constructor(
    private readonly uploads: UploadPipeline,
    private readonly rpc: RpcClient,
    storage: ObjectStorage,
  ) {
    this.broken = new UploadPipeline(new ObjectStorage(storage.client, `${storage.bucket}-missing`));
  }

  @Post('broken-storage')
  receiveIntoBrokenStorage(@Req() request: FastifyRequest): Promise<unknown> {
    return this.broken.receive(request, largeSpec, reservationFor(largeSpec));
  }

  @Post()
  receive(@Req() request: FastifyRequest): Promise<unknown> {
    return this.uploads.receive(request, reportSpec, reservationFor(reportSpec));
  }

  @Post('large')
  receiveLarge(@Req() request: FastifyRequest): Promise<unknown> {
    return this.uploads.receive(request, largeSpec, reservationFor(largeSpec));
  }

  @Post('pair')
  receivePair(@Req() request: FastifyRequest): Promise<unknown> {
    return this.uploads.receive(request, pairSpec, reservationFor(pairSpec));
  }

  @Post('bounded')
  receiveBounded(@Req() request: FastifyRequest): Promise<unknown> {
    return this.uploads.receive(request, boundedSpec, reservationFor(boundedSpec));
  }

  /** A reserved upload: the reservation made here (a service would), its commit retried after a timeout. */
  @Post('reserved')
  reserved(@Req() request: FastifyRequest): Promise<unknown> {
    const reservation: UploadReservation = {
      reservationId: randomUUID(),
      parts: [{ field: 'document', key: `${RESERVED_PREFIX}${randomUUID()}.pdf`, maxBytes: 64 * KiB }],
      expiresAt: Date.now() + 60_000,
    };
    return this.uploads.upload(request, {
      reserve: async () => reservation,
      spec: () => reservedSpec,
      commit: ({ reservationId }, { files }) => this.rpc.request(SLOW_COMMIT_SUBJECT, { reservationId, files }, { requestId: request.id, timeoutMs: 300 }),
    });
  }

  /** A reserved upload committed to a stand-in that accepts or rejects by title (or to nobody). */
  @Post('commit')
  commit(@Req() request: FastifyRequest): Promise<unknown> {
    return this.uploads.upload(request, {
      reserve: async () => reservationFor(reportSpec),
      spec: () => reportSpec,
      commit: (_reservation, received) => {
        const subject = received.fields['target'] === 'nobody' ? NOBODY_SUBJECT : COMMIT_SUBJECT;
        return this.rpc.request(subject, { files: received.files, title: received.fields['title'] }, { requestId: request.id, timeoutMs: 2000 });
      },
    });
  }
}

const PDF_HEAD = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pdfBytes(size: number): Buffer {
  return Buffer.concat([PDF_HEAD, randomBytes(Math.max(0, size - PDF_HEAD.length))]).subarray(0, size);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A multipart body of `size` bytes made on the fly (never whole in memory), beginning with a PDF
 * header; `digest()` is the sha256 of the file bytes once the body has been read.
 */
function streamedPdfForm(size: number): { body: ReadableStream<Uint8Array>; contentType: string; digest: () => string } {
  const boundary = `----quire${randomBytes(8).toString('hex')}`;
  const hash = createHash('sha256');
  async function* generate(): AsyncGenerator<Buffer> {
    yield Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    let sent = 0;
    while (sent < size) {
      const chunk = sent === 0 ? pdfBytes(Math.min(size, 256 * KiB)) : randomBytes(Math.min(size - sent, 256 * KiB));
      hash.update(chunk);
      sent += chunk.length;
      yield chunk;
    }
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return {
    body: Readable.toWeb(Readable.from(generate())) as ReadableStream<Uint8Array>,
    contentType: `multipart/form-data; boundary=${boundary}`,
    digest: () => hash.digest('hex'),
  };
}

describe('UploadPipeline (real HTTP, real S3, real NATS)', () => {
  const codec = JSONCodec<unknown>();
  const s3 = testS3Client();
  let env: GatewayEnv;
  let app: NestFastifyApplication;
  let storage: ObjectStorage;
  let nats: NatsConnection;
  let url: string;
  const commits: Array<{ files: Array<{ key: string }>; present: boolean[] }> = [];
  const slowCommits: Array<{ reservationId: string; files: Array<{ key: string; size: number; sha256: string }> }> = [];

  beforeAll(async () => {
    env = loadEnv(GatewayEnv, testEnv({ HTTP_PORT: '0', NATS_REQUEST_TIMEOUT_MS: '2000', UPLOAD_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS) }));
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(GatewayEnv, env), StorageModule, NatsModule, UploadsModule],
      controllers: [TestUploadController],
      providers: [{ provide: APP_FILTER, useClass: GatewayExceptionFilter }],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error'] });
    await registerMultipart(app);
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/api/v1/_test/uploads`.replace('[::1]', '127.0.0.1');
    storage = app.get(ObjectStorage);
    await storage.ensureBucket();

    // Stands in for the owning service: sees whether the received objects exist, then rejects
    // titles starting with "reject" and accepts the rest.
    nats = await connect({ servers: env.NATS_URL });
    const subscription = nats.subscribe(`${env.NATS_SUBJECT_PREFIX}${COMMIT_SUBJECT}`);
    void (async () => {
      for await (const message of subscription) {
        const packet = codec.decode(message.data) as { id: string; data: { files: Array<{ key: string }>; title: string } };
        const present = await Promise.all(packet.data.files.map(async (file) => (await storage.head(file.key)) !== undefined));
        commits.push({ files: packet.data.files, present });
        const reply = packet.data.title.startsWith('reject')
          ? { id: packet.id, err: { code: 'CONFLICT', message: 'Already there', details: {} }, isDisposed: true }
          : { id: packet.id, response: { accepted: packet.data.files.map((file) => file.key) }, isDisposed: true };
        message.respond(codec.encode(reply));
      }
    })();
    const slow = nats.subscribe(`${env.NATS_SUBJECT_PREFIX}${SLOW_COMMIT_SUBJECT}`);
    void (async () => {
      for await (const message of slow) {
        const packet = codec.decode(message.data) as { id: string; data: (typeof slowCommits)[number] };
        slowCommits.push(packet.data);
        // The first attempt of a reservation goes unanswered (the gateway times out and retries).
        if (slowCommits.filter((commit) => commit.reservationId === packet.data.reservationId).length === 1) continue;
        message.respond(codec.encode({ id: packet.id, response: { committed: packet.data.reservationId, files: packet.data.files }, isDisposed: true }));
      }
    })();
  });

  afterAll(async () => {
    await nats?.drain();
    await app?.close();
    if (env) await removeBucket(s3, env.S3_BUCKET);
  });

  /** What uploads wrote under the test's reserved keys. */
  const writtenKeys = (): Promise<string[]> => listKeys(s3, env.S3_BUCKET, RESERVED_PREFIX);

  async function clearReserved(): Promise<void> {
    await storage.delete(await writtenKeys());
  }

  beforeEach(clearReserved);

  function form(entries: Array<[string, Buffer | string, string?]>): FormData {
    const data = new FormData();
    for (const [name, value, fileName] of entries) {
      if (typeof value === 'string') data.append(name, value);
      else data.append(name, new Blob([value], { type: fileName?.endsWith('.png') ? 'image/png' : 'application/pdf' }), fileName);
    }
    return data;
  }

  async function post(path: string, body: FormData): Promise<{ status: number; json: Record<string, unknown>; connection: string | null }> {
    const response = await fetch(`${url}${path}`, { method: 'POST', body });
    return { status: response.status, json: (await response.json()) as Record<string, unknown>, connection: response.headers.get('connection') };
  }

  it('writes each file to its reserved key with its size, sha256 and types, and returns the text fields', async () => {
    const pdf = pdfBytes(100 * KiB);
    const png = Buffer.concat([PNG_HEAD, randomBytes(2000)]);
    const { status, json, connection } = await post(
      '',
      form([
        ['title', 'Blood panel'],
        ['document', pdf, 'report.pdf'],
        ['thumbnail', png, 'thumb.png'],
      ]),
    );

    expect(status).toBe(201);
    expect(connection).toBe('keep-alive');
    expect(json).toEqual({
      fields: { title: 'Blood panel' },
      files: [
        {
          field: 'document',
          key: expect.stringMatching(/^reserved-test\/[0-9a-f-]{36}$/),
          size: pdf.length,
          sha256: sha256(pdf),
          fileName: 'report.pdf',
          declaredContentType: 'application/pdf',
          detectedContentType: 'application/pdf',
        },
        {
          field: 'thumbnail',
          key: expect.stringMatching(/^reserved-test\/[0-9a-f-]{36}$/),
          size: png.length,
          sha256: sha256(png),
          fileName: 'thumb.png',
          declaredContentType: 'image/png',
          detectedContentType: 'image/png',
        },
      ],
    });
    const [document, thumbnail] = json['files'] as Array<{ key: string }>;
    expect((await storage.getBuffer(document!.key))?.equals(pdf)).toBe(true);
    expect((await storage.getBuffer(thumbnail!.key))?.equals(png)).toBe(true);
  });

  it('accepts a file smaller than the signature window', async () => {
    const tiny = Buffer.from('%PDF-1.4\n%%EOF\n');
    const { status, json } = await post('', form([['document', tiny, 'tiny.pdf'], ['title', 't']]));
    expect(status).toBe(201);
    expect((json['files'] as Array<{ size: number; sha256: string }>)[0]).toMatchObject({ size: tiny.length, sha256: sha256(tiny) });
  });

  it('answers 413 for a file over its limit and leaves nothing at its key', async () => {
    const { status, json } = await post('', form([['title', 'x'], ['document', pdfBytes(256 * KiB + 1), 'big.pdf']]));
    expect(status).toBe(413);
    expect(json).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { field: 'document', maxBytes: 256 * KiB } });
    expect(await writtenKeys()).toEqual([]);
  });

  it('answers 413 for a smaller field over its own limit, deleting the files written before it', async () => {
    const png = Buffer.concat([PNG_HEAD, randomBytes(64 * KiB)]);
    const { status, json } = await post(
      '',
      form([['title', 'x'], ['document', pdfBytes(10 * KiB), 'a.pdf'], ['thumbnail', png, 'big.png']]),
    );
    expect(status).toBe(413);
    expect(json).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { field: 'thumbnail' } });
    expect(await writtenKeys()).toEqual([]);
  });

  it('aborts a multipart S3 upload that passes the limit after several parts', async () => {
    // Streamed (chunked, no Content-Length): only counting the bytes as they pass can refuse it.
    const upload = streamedPdfForm(20 * MiB);
    const response = await fetch(`${url}/bounded`, { method: 'POST', body: upload.body, headers: { 'content-type': upload.contentType }, duplex: 'half' } as RequestInit);
    const { status, connection } = { status: response.status, connection: response.headers.get('connection') };
    const json = (await response.json()) as Record<string, unknown>;
    expect(status).toBe(413);
    // The rest of the body was never read: the connection is closed, not reused.
    expect(connection).toBe('close');
    expect(json).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { maxBytes: 12 * MiB } });
    expect(await writtenKeys()).toEqual([]);
  });

  it('writes two multi-part files of one request, each whole and with its own hash', async () => {
    const document = pdfBytes(11 * MiB + 3);
    const appendix = pdfBytes(7 * MiB);
    const { status, json } = await post('/pair', form([['document', document, 'a.pdf'], ['appendix', appendix, 'b.pdf']]));
    expect(status).toBe(201);
    const files = json['files'] as Array<{ field: string; key: string; size: number; sha256: string }>;
    expect(files.map(({ field, size, sha256: digest }) => ({ field, size, digest }))).toEqual([
      { field: 'document', size: document.length, digest: sha256(document) },
      { field: 'appendix', size: appendix.length, digest: sha256(appendix) },
    ]);
    expect((await storage.getBuffer(files[0]!.key))?.equals(document)).toBe(true);
    expect((await storage.getBuffer(files[1]!.key))?.equals(appendix)).toBe(true);
  });

  it('deletes a multi-part file still completing in S3 when the next file of the request is refused', async () => {
    const notPdf = Buffer.concat([PNG_HEAD, randomBytes(6 * MiB)]);
    const { status, json } = await post('/pair', form([['document', pdfBytes(11 * MiB), 'a.pdf'], ['appendix', notPdf, 'b.pdf']]));
    expect(status).toBe(400);
    expect(json).toMatchObject({ code: 'INVALID_FILE_TYPE', details: { field: 'appendix' } });
    expect(await writtenKeys()).toEqual([]);
  });

  it('answers 400 INVALID_FILE_TYPE when the first bytes do not match, and leaves nothing', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(20 * KiB)]);
    const { status, json } = await post('', form([['title', 'x'], ['document', zip, 'report.pdf']]));
    expect(status).toBe(400);
    expect(json).toMatchObject({ code: 'INVALID_FILE_TYPE', details: { field: 'document', detectedType: 'application/zip' } });
    expect(json['message']).toBe('"document" must be a PDF document');
    expect(await writtenKeys()).toEqual([]);
  });

  it('answers 400 for a missing required file or field', async () => {
    const noFile = await post('', form([['title', 'x']]));
    expect(noFile.status).toBe(400);
    expect(noFile.json).toMatchObject({ code: 'VALIDATION_FAILED', details: { missing: ['document'] } });

    const noTitle = await post('', form([['document', pdfBytes(1000), 'a.pdf']]));
    expect(noTitle.status).toBe(400);
    expect(noTitle.json).toMatchObject({ code: 'VALIDATION_FAILED', details: { missing: ['title'] } });
    expect(await writtenKeys()).toEqual([]);
  });

  it('answers 400 for an unknown file field, deleting what was already written', async () => {
    const { status, json } = await post(
      '',
      form([['title', 'x'], ['document', pdfBytes(5000), 'a.pdf'], ['attachment', pdfBytes(5000), 'b.pdf']]),
    );
    expect(status).toBe(400);
    expect(json).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'attachment' } });
    expect(await writtenKeys()).toEqual([]);
  });

  it('answers 400 for a second file in the same field, deleting the first', async () => {
    const { status } = await post('', form([['title', 'x'], ['document', pdfBytes(5000), 'a.pdf'], ['document', pdfBytes(5000), 'b.pdf']]));
    expect(status).toBe(400);
    expect(await writtenKeys()).toEqual([]);
  });

  it('answers 400 for unknown, repeated or too long text fields and for too many parts', async () => {
    const file: [string, Buffer, string] = ['document', pdfBytes(5000), 'a.pdf'];
    const png: [string, Buffer, string] = ['thumbnail', Buffer.concat([PNG_HEAD, randomBytes(100)]), 'a.png'];
    const cases: Array<[Array<[string, Buffer | string, string?]>, string, string]> = [
      [[file, ['title', 'x'], ['color', 'red']], 'VALIDATION_FAILED', 'Unexpected field "color"'],
      [[file, ['title', 'x'], ['title', 'y']], 'VALIDATION_FAILED', '"title" may be given only once'],
      [[file, ['title', 'x'.repeat(21)]], 'VALIDATION_FAILED', '"title" is longer than 20 characters'],
      // busboy's own limits: two text fields and two files are all the spec declares.
      [[file, ['title', 'x'], ['target', 'a'], ['more', 'b']], 'BAD_REQUEST', expect.stringMatching(/^Too many parts/)],
      [[['title', 'x'], file, png, ['extra', pdfBytes(100), 'c.pdf']], 'BAD_REQUEST', expect.stringMatching(/^Too many parts/)],
    ];
    for (const [entries, code, message] of cases) {
      const { status, json } = await post('', form(entries));
      expect({ status, code: json['code'], message: json['message'] }).toEqual({ status: 400, code, message });
    }
    expect(await writtenKeys()).toEqual([]);
  });

  it('deletes what it wrote when the client goes away half-way', async () => {
    const boundary = `----quire${randomBytes(8).toString('hex')}`;
    const partHeader = (name: string, fileName: string, type: string): string =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`;
    let writtenBeforeAbort: string[] = [];
    async function* halfAForm(): AsyncGenerator<Buffer> {
      yield Buffer.concat([
        Buffer.from(partHeader('document', 'a.pdf', 'application/pdf')),
        pdfBytes(10 * KiB),
        Buffer.from(`\r\n${partHeader('thumbnail', 't.png', 'image/png')}`),
        PNG_HEAD,
        randomBytes(1000),
      ]);
      writtenBeforeAbort = await waitFor(async () => {
        const keys = await writtenKeys();
        return keys.length === 1 && keys;
      });
      throw new Error('the client gives up');
    }
    const sending = fetch(url, {
      method: 'POST',
      body: Readable.toWeb(Readable.from(halfAForm())) as ReadableStream<Uint8Array>,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      duplex: 'half',
    } as RequestInit);

    await expect(sending).rejects.toThrow();
    expect(writtenBeforeAbort).toHaveLength(1);
    await waitFor(async () => (await writtenKeys()).length === 0, { description: 'the written document to be deleted' });
  });

  it('answers 503 when storage fails mid-file, even though the clean-up fails too', async () => {
    const { status, json } = await post('/broken-storage', form([['document', pdfBytes(12 * MiB), 'a.pdf']]));
    expect(status).toBe(503);
    expect(json).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { field: 'document' } });
  });

  it('answers 400 for a body that is not multipart', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(400);
  });

  it('hands the received files to the service and keeps them when it accepts', async () => {
    const pdf = pdfBytes(3000);
    const { status, json } = await post('/commit', form([['title', 'fine'], ['document', pdf, 'a.pdf']]));
    expect(status).toBe(201);
    const key = (json['accepted'] as string[])[0]!;
    expect(commits.at(-1)).toEqual({ files: [expect.objectContaining({ key, sha256: sha256(pdf), size: 3000 })], present: [true] });
    expect(await writtenKeys()).toEqual([key]);
  });

  it('deletes the received files when the service rejects the commit, and answers with its error', async () => {
    const { status, json } = await post('/commit', form([['title', 'reject me'], ['document', pdfBytes(3000), 'a.pdf']]));
    expect(status).toBe(409);
    expect(json).toMatchObject({ code: 'CONFLICT', message: 'Already there' });
    expect(commits.at(-1)?.present).toEqual([true]);
    expect(await writtenKeys()).toEqual([]);
  });

  it('deletes the received files when no service answers the commit (503)', async () => {
    const { status, json } = await post('/commit', form([['title', 'x'], ['target', 'nobody'], ['document', pdfBytes(3000), 'a.pdf']]));
    expect(status).toBe(503);
    expect(json).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(await writtenKeys()).toEqual([]);
  });

  describe('a client that stalls or declares too much (issue 16)', () => {
    const boundary = '----quirestall';
    const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
    const headers = (length: number) => ({ 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) });

    it('answers 408 and closes the connection when the body stops mid-file, aborting the staged upload', async () => {
      const route = `${new URL(url).pathname}/large`;
      // 6 MiB of a declared 20 MiB: one 5 MiB part is already in S3's multipart upload when it stops.
      const exchange = await rawHttpRequest(url, { method: 'POST', path: route, headers: headers(20 * MiB) }, Buffer.concat([Buffer.from(fileHead), pdfBytes(6 * MiB)]));
      const answer = await exchange.response;
      expect(answer.status).toBe(408);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'REQUEST_TIMEOUT' });
      expect(answer.headers['connection']).toBe('close');
      const closedAfterMs = await exchange.closed;
      expect(closedAfterMs).toBeLessThan((IDLE_SECONDS + 5) * 1000);
      expect(closedAfterMs).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 100);
      expect(await writtenKeys()).toEqual([]);
    });

    it('answers 408 when the body stops between parts', async () => {
      const route = new URL(url).pathname;
      const titlePart = `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nStalled\r\n`;
      const exchange = await rawHttpRequest(url, { method: 'POST', path: route, headers: headers(50 * KiB) }, titlePart);
      expect((await exchange.response).status).toBe(408);
      expect(await exchange.closed).toBeLessThan((IDLE_SECONDS + 5) * 1000);
    });

    it('refuses a Content-Length over the limit with 413 before a byte of the body is sent, and closes', async () => {
      // bounded: one 12 MiB file; the declared body is one byte over what that file and its headers can be.
      const route = `${new URL(url).pathname}/bounded`;
      const exchange = await rawHttpRequest(url, { method: 'POST', path: route, headers: headers(12 * MiB + 2 * 8 * KiB + 1) });
      const answer = await exchange.response;
      expect(exchange.sentBodyBytes()).toBe(0);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { maxBytes: 12 * MiB + 2 * 8 * KiB } });
      expect(answer.headers['connection']).toBe('close');
      expect(await exchange.closed).toBeLessThan(5000);
    });

    it('still reads a declared length within the limit', async () => {
      const { status } = await post('/bounded', form([['document', pdfBytes(12 * MiB - 1000), 'a.pdf']]));
      expect(status).toBe(201);
    });
  });

  describe('a reserved upload', () => {
    const reservedKeys = writtenKeys;

    it('streams to the reserved key and retries a timed-out commit with the same reservation', async () => {
      const pdf = pdfBytes(5000);
      const { status, json } = await post('/reserved', form([['document', pdf, 'a.pdf']]));
      expect(status).toBe(201);
      const attempts = slowCommits.filter((commit) => commit.reservationId === json['committed']);
      expect(attempts).toHaveLength(2);
      expect(attempts[1]).toEqual(attempts[0]);
      const [file] = attempts[0]!.files;
      expect(file).toMatchObject({ size: 5000, sha256: sha256(pdf), detectedContentType: 'application/pdf' });
      expect(file!.key).toMatch(/^reserved-test\//);
      expect(await reservedKeys()).toContain(file!.key);
    });

    it("holds a file that comes after its category to the category's limit while streaming, and deletes what it wrote", async () => {
      const before = await reservedKeys();
      const { status, json } = await post('/reserved', form([['category', 'small'], ['document', pdfBytes(5000), 'a.pdf']]));
      expect(status).toBe(413);
      expect(json).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { field: 'document', maxBytes: 1000 } });
      expect(await reservedKeys()).toEqual(before);
    });

    it("holds a file that comes before its category to the reservation's limit", async () => {
      expect((await post('/reserved', form([['document', pdfBytes(5000), 'a.pdf'], ['category', 'small']]))).status).toBe(201);
      const { status, json } = await post('/reserved', form([['document', pdfBytes(65 * KiB), 'a.pdf']]));
      expect(status).toBe(413);
      expect(json).toMatchObject({ details: { maxBytes: 64 * KiB } });
    });
  });

  it('streams a 96 MiB upload to S3 with flat memory and the right hash', async () => {
    const size = 96 * MiB;
    const upload = streamedPdfForm(size);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    try {
      const response = await fetch(`${url}/large`, {
        method: 'POST',
        body: upload.body,
        headers: { 'content-type': upload.contentType },
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(201);
      const digest = upload.digest();
      const { files } = (await response.json()) as { files: Array<{ key: string; size: number; sha256: string }> };
      expect(files[0]).toMatchObject({ size, sha256: digest });

      const stored = await storage.get(files[0]!.key);
      const hash = createHash('sha256');
      for await (const chunk of stored!.body) hash.update(chunk as Buffer);
      expect(hash.digest('hex')).toBe(digest);
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peak - before) / MiB;
    process.stdout.write(`96 MiB upload: RSS ${Math.round(before / MiB)} MB -> peak ${Math.round(peak / MiB)} MB\n`);
    expect(growthMb).toBeLessThan(100);
  });
});
