import { connect, JSONCodec, NatsConnection, Subscription } from 'nats';
import { Client } from 'pg';
import { MailRequestedEvent } from '@quire/contracts';
import { waitFor } from '@quire/testing';

/** JSON request to the gateway; answers status and parsed body. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Runs SQL against the identity schema of the test database (to arrange what no route can). */
export async function sql<T = Record<string, unknown>>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Listens to the mails identity asks for (`evt.identity.mail_requested`), as a mailer would. */
export class MailCatcher {
  private constructor(
    private readonly connection: NatsConnection,
    private readonly subscription: Subscription,
    readonly mails: MailRequestedEvent[],
  ) {}

  static async start(natsUrl: string, subject: string): Promise<MailCatcher> {
    const connection = await connect({ servers: natsUrl });
    const codec = JSONCodec<MailRequestedEvent>();
    const mails: MailRequestedEvent[] = [];
    const subscription = connection.subscribe(subject, { callback: (_e, message) => mails.push(codec.decode(message.data)) });
    const catcher = new MailCatcher(connection, subscription, mails);
    await connection.flush();
    return catcher;
  }

  async resetTokenFor(loginName: string, after = 0): Promise<string> {
    return waitFor(
      () => this.mails.slice(after).find((mail) => mail.loginName === loginName && mail.template === 'reset-password')?.values['resetToken'],
      { description: `a reset mail for ${loginName}` },
    );
  }

  async stop(): Promise<void> {
    this.subscription.unsubscribe();
    await this.connection.drain();
  }
}
