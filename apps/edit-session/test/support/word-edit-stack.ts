import { S3Client } from '@aws-sdk/client-s3';
import { connect, NatsConnection } from 'nats';
import { Client } from 'pg';
import { RpcClient } from '@quire/platform';
import {
  buildDocx,
  createTestDatabase,
  listKeys,
  removeBucket,
  RunningApp,
  signInAs,
  SignInOptions,
  startApp,
  TestDatabase,
  testEnv,
  TestIdentity,
  testS3Client,
} from '@quire/testing';

export const MOUNT = '/api-v3/report/external-edit';

/** identity, edit-session and the gateway as real processes, on one test database and bucket. */
export class WordEditStack {
  readonly s3: S3Client = testS3Client();
  apps: Record<string, RunningApp> = {};
  private constructor(
    readonly database: TestDatabase,
    readonly env: Record<string, string>,
    readonly pg: Client,
    readonly nats: NatsConnection,
    readonly rpc: RpcClient,
  ) {}

  static async start(label: string, overrides: Record<string, string> = {}): Promise<WordEditStack> {
    const database = await createTestDatabase(label);
    const env = testEnv({ DATABASE_URL: database.url, ...overrides });
    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    const nats = await connect({ servers: env.NATS_URL });
    const stack = new WordEditStack(database, env, pg, nats, new RpcClient(nats, 60_000, env.NATS_SUBJECT_PREFIX));
    const [identity, editSession] = await Promise.all([startApp('identity', env), startApp('edit-session', env)]);
    stack.apps = { identity: identity!, 'edit-session': editSession! };
    stack.apps['gateway'] = await startApp('gateway', env);
    return stack;
  }

  get gatewayUrl(): string {
    return this.apps['gateway']!.url;
  }

  get bucket(): string {
    return this.env['S3_BUCKET']!;
  }

  signIn(options: SignInOptions = {}): Promise<TestIdentity> {
    return signInAs({ gatewayUrl: this.gatewayUrl, env: this.env }, options);
  }

  async restart(name: string): Promise<void> {
    await this.apps[name]?.stop();
    this.apps[name] = await startApp(name, this.env);
  }

  /** Objects under edit-session's prefix that no version or template row links: what a refused or abandoned upload would leave. */
  async unlinkedKeys(): Promise<string[]> {
    const { rows } = await this.pg.query(
      `SELECT docx_key AS key FROM edit_session.report_versions UNION ALL SELECT pdf_key FROM edit_session.report_versions
       UNION ALL SELECT docx_key FROM edit_session.report_templates`,
    );
    const linked = new Set(rows.map((row: { key: string }) => row.key));
    return (await listKeys(this.s3, this.bucket, 'edit-session/')).filter((key) => !linked.has(key));
  }

  async versionCount(labReportId: number): Promise<number> {
    const { rows } = await this.pg.query('SELECT count(*)::int AS n FROM edit_session.report_versions WHERE lab_report_id = $1', [labReportId]);
    return rows[0].n as number;
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.apps).map((app) => app.stop()));
    await this.nats.close().catch(() => undefined);
    await this.pg.end().catch(() => undefined);
    await this.database.drop();
    await removeBucket(this.s3, this.bucket);
    this.s3.destroy();
  }
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** One caller of the word-edit routes, as a browser would call them. */
export class WordEditClient {
  constructor(
    readonly stack: WordEditStack,
    readonly identity: TestIdentity,
  ) {}

  get principal() {
    return this.identity.principal;
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const response = await fetch(`${this.stack.gatewayUrl}${MOUNT}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        authorization: `Bearer ${this.identity.token}`,
        ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }

  async createReport(title = 'CBC report'): Promise<number> {
    const answer = await this.call('POST', '/reports', { title });
    if (answer.status !== 201) throw new Error(`create report: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body['id'] as number;
  }

  async uploadTemplate(name = 'Radiology', docx: Buffer = buildDocx('template')): Promise<{ id: number; path: string }> {
    const form = new FormData();
    form.append('name', name);
    form.append('file', new Blob([new Uint8Array(docx)]), 'template.docx');
    const answer = await this.call('POST', '/templates', form);
    if (answer.status !== 201) throw new Error(`upload template: ${answer.status} ${JSON.stringify(answer.body)}`);
    return { id: answer.body['id'] as number, path: answer.body['word_s3_filepath'] as string };
  }

  /** A report with a template, ready for `start`. */
  async prepare(): Promise<{ reportId: number; templateId: number; templatePath: string }> {
    const [reportId, template] = await Promise.all([this.createReport(), this.uploadTemplate()]);
    return { reportId, templateId: template.id, templatePath: template.path };
  }

  start(reportId: number, templateId: number, path: string): Promise<Answer> {
    return this.call('POST', `/${reportId}`, { template_id: templateId, word_s3_filepath: path });
  }

  /** Starts a session and answers its id and token (throws unless 200). */
  async startSession(): Promise<{ reportId: number; editId: number; token: string; templateId: number; templatePath: string }> {
    const prepared = await this.prepare();
    const answer = await this.start(prepared.reportId, prepared.templateId, prepared.templatePath);
    if (answer.status !== 200) throw new Error(`start: ${answer.status} ${JSON.stringify(answer.body)}`);
    return { ...prepared, editId: answer.body['edit_id'] as number, token: answer.body['auth_token'] as string };
  }
}

export interface AgentFiles {
  word?: Buffer;
  pdf?: Buffer;
  wordName?: string;
}

/** The Word agent's upload, as multipart with the session token and the external-edit header. */
export async function agentUpload(
  stack: WordEditStack,
  editId: number,
  token: string,
  files: AgentFiles,
  headers: Record<string, string> = { 'x-is-external-edit-request': 'true' },
): Promise<Answer> {
  const form = new FormData();
  if (files.word) {
    form.append('word_file', new Blob([new Uint8Array(files.word)], { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }), files.wordName ?? 'report.docx');
  }
  if (files.pdf) form.append('pdf_file', new Blob([new Uint8Array(files.pdf)], { type: 'application/pdf' }), 'report.pdf');
  const response = await fetch(`${stack.gatewayUrl}${MOUNT}/agent/${editId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...headers },
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

/** The agent's keepalive, as the Word agent sends it. */
export async function agentKeepAlive(
  stack: WordEditStack,
  editId: number,
  token: string,
  headers: Record<string, string> = { 'x-is-external-edit-request': 'true' },
): Promise<Answer> {
  const response = await fetch(`${stack.gatewayUrl}${MOUNT}/agent/${editId}/keepalive`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}
