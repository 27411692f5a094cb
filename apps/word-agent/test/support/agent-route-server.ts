import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** One POST to the agent route, as the server read it. */
export interface ReceivedUpload {
  editId: string;
  authorization?: string;
  externalEditHeader?: string;
  idempotencyKey?: string;
  docx: Buffer;
  docxName: string;
  docxType: string;
  pdf: Buffer;
  pdfType: string;
  at: number;
}

/** One POST to the keepalive route, as the server read it. */
export interface ReceivedKeepalive {
  editId: string;
  authorization?: string;
  externalEditHeader?: string;
  bodyBytes: number;
  at: number;
}

/** The lease a keepalive grants here (the server's default EDIT_SESSION_LEASE_SECONDS). */
export const LEASE_MS = 900_000;

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const ok = (): Reply => ({
  status: 200,
  body: { message: 'Files uploaded and linked successfully', word_s3_path: 's3://b/w.docx', pdf_s3_path: 's3://b/w.pdf', version_id: 'v1' },
});

/**
 * A small real HTTP server implementing the agent's side of the word-edit contract
 * (POST /api-v3/report/external-edit/agent/{edit_id}: multipart word_file + pdf_file, Bearer
 * token, X-IS-EXTERNAL-EDIT-REQUEST) and serving the "presigned" template. The agent is the
 * thing under test; `reply` decides each answer.
 */
export class AgentRouteServer {
  /** Every well-formed upload attempt, in arrival order, with the status it was answered (0: not yet). */
  readonly attempts: (ReceivedUpload & { status: number })[] = [];
  reply: (upload: ReceivedUpload, attempt: number) => Reply | Promise<Reply> = ok;
  /** Every keepalive with a valid token, in arrival order, with the status it was answered (0: not yet). */
  readonly keepalives: (ReceivedKeepalive & { status: number })[] = [];
  keepaliveReply: (keepalive: ReceivedKeepalive, attempt: number) => Reply | Promise<Reply> = (keepalive) => ({
    status: 200,
    body: { edit_id: Number(keepalive.editId), expires_at: keepalive.at + LEASE_MS },
  });
  private server: Server | undefined;

  constructor(
    readonly expectedToken: string,
    readonly template: Buffer,
  ) {}

  /** Uploads answered 2xx. */
  get delivered(): ReceivedUpload[] {
    return this.attempts.filter((attempt) => attempt.status >= 200 && attempt.status < 300);
  }

  async listen(port = 0): Promise<number> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: Error) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 500, message: error.message, details: '' }));
      });
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
    this.server = undefined;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const send = (reply: Reply) => {
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(JSON.stringify(reply.body ?? {}));
    };
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/bucket/reports/report.docx') {
      if (!url.searchParams.get('X-Amz-Signature')) return send({ status: 403, body: { message: 'not signed' } });
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(this.template);
      return;
    }
    const keepalive = /^\/api-v3\/report\/external-edit\/agent\/([^/]+)\/keepalive$/.exec(url.pathname);
    if (request.method === 'POST' && keepalive) return send(await this.keepalive(request, decodeURIComponent(keepalive[1])));
    const route = /^\/api-v3\/report\/external-edit\/agent\/([^/]+)$/.exec(url.pathname);
    if (request.method !== 'POST' || !route) return send({ status: 404, body: { code: 404, message: 'Not found', details: '' } });
    if (request.headers.authorization !== `Bearer ${this.expectedToken}`) {
      return send({ status: 401, body: { code: 401, message: 'Invalid or expired token', details: '' } });
    }
    const form = await new Request('http://localhost/', {
      method: 'POST',
      headers: { 'content-type': request.headers['content-type'] ?? '' },
      body: Readable.toWeb(request) as ReadableStream,
      duplex: 'half',
    } as RequestInit).formData();
    const word = form.get('word_file');
    const pdf = form.get('pdf_file');
    if (!(word instanceof Blob) || !(pdf instanceof Blob)) {
      return send({ status: 400, body: { code: 400, message: 'word_file and pdf_file are required', details: '' } });
    }
    const upload: ReceivedUpload = {
      editId: decodeURIComponent(route[1]),
      authorization: request.headers.authorization,
      externalEditHeader: request.headers['x-is-external-edit-request'] as string | undefined,
      idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      docx: Buffer.from(await word.arrayBuffer()),
      docxName: (word as File).name,
      docxType: word.type,
      pdf: Buffer.from(await pdf.arrayBuffer()),
      pdfType: pdf.type,
      at: Date.now(),
    };
    const attempt = { ...upload, status: 0 };
    this.attempts.push(attempt);
    const reply = await this.reply(upload, this.attempts.length - 1);
    attempt.status = reply.status;
    send(reply);
  }

  /** POST …/agent/{edit_id}/keepalive: no body; 200 {edit_id, expires_at} unless `keepaliveReply` says otherwise. */
  private async keepalive(request: IncomingMessage, editId: string): Promise<Reply> {
    let bodyBytes = 0;
    for await (const chunk of request) bodyBytes += (chunk as Buffer).length;
    if (request.headers.authorization !== `Bearer ${this.expectedToken}`) {
      return { status: 401, body: { code: 401, message: 'Invalid or expired token', details: '' } };
    }
    const received: ReceivedKeepalive = {
      editId,
      authorization: request.headers.authorization,
      externalEditHeader: request.headers['x-is-external-edit-request'] as string | undefined,
      bodyBytes,
      at: Date.now(),
    };
    const entry = { ...received, status: 0 };
    this.keepalives.push(entry);
    const reply = await this.keepaliveReply(received, this.keepalives.length - 1);
    entry.status = reply.status;
    return reply;
  }
}
