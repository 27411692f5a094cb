import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { AddressInfo, createServer as createTcpServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fetchOutbound, OutboundFetchOptions } from './fetch-outbound';
import { OutboundAllowList, OutboundUrlPolicy } from './outbound-url-policy';
import { OutboundUrlRefused } from './outbound-url-refused';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local server that counts every TCP connection made to it. */
interface TestServer {
  port: number;
  origin: string;
  connections: number;
  close(): Promise<void>;
}

async function startServer(host: string, handler: Handler, tls?: { key: Buffer; cert: Buffer }): Promise<TestServer> {
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  const state = { connections: 0 };
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    port,
    origin: `${tls ? 'https' : 'http'}://${shown}:${port}`,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function refusal(work: Promise<unknown>): Promise<OutboundUrlRefused> {
  try {
    await work;
  } catch (error) {
    if (error instanceof OutboundUrlRefused) return error;
    throw error;
  }
  throw new Error('expected the fetch to be refused');
}

const allowLoopback = new OutboundUrlPolicy(OutboundAllowList.parse('127.0.0.1/32'), {
  maxBytes: 1024 * 1024,
  connectTimeoutMs: 2_000,
  timeoutMs: 10_000,
  maxRedirects: 3,
});

const appHandler: Handler = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const hop = /^\/hop\/(\d+)$/.exec(url.pathname);
  if (hop) {
    const n = Number(hop[1]);
    if (n >= 10) res.end('arrived');
    else res.writeHead(302, { location: `/hop/${n + 1}` }).end();
    return;
  }
  switch (url.pathname) {
    case '/stream':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one,');
      setImmediate(() => {
        res.write('two,');
        setImmediate(() => res.end('three'));
      });
      return;
    case '/echo':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
      return;
    case '/redirect':
      res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/' }).end();
      return;
    case '/big':
      res.writeHead(200, { 'content-length': 2 * 1024 * 1024 }).end(Buffer.alloc(2 * 1024 * 1024, 1));
      return;
    case '/big-chunked': {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 2);
      let sent = 0;
      const pump = () => {
        while (sent < 2 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    case '/hang':
      return; // never answers
    case '/stall-body':
      res.writeHead(200);
      res.write('started');
      return; // never ends
    default:
      res.end('ok');
  }
};

describe('fetchOutbound (real sockets on localhost)', () => {
  let app: TestServer;
  let other: TestServer; // 127.0.0.1 too, another port: a second allowed origin
  let bystander: TestServer; // 127.0.0.2: not allow-listed
  let v6: TestServer; // ::1

  beforeAll(async () => {
    app = await startServer('127.0.0.1', appHandler);
    other = await startServer('127.0.0.1', appHandler);
    bystander = await startServer('127.0.0.2', appHandler);
    v6 = await startServer('::1', appHandler);
  });
  afterAll(async () => {
    await Promise.all([app, other, bystander, v6].map((s) => s?.close()));
  });

  describe('an allow-listed local server', () => {
    it('is fetched and its body streams', async () => {
      const before = app.connections;
      const response = await fetchOutbound(`${app.origin}/stream`, { policy: allowLoopback });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain');
      expect(response.finalUrl).toBe(`${app.origin}/stream`);
      expect(response.body).toBeInstanceOf(Readable);
      expect((await readAll(response.body)).toString()).toBe('one,two,three');
      expect(app.connections).toBe(before + 1); // the counter the refusal tests rely on works
    });

    it('passes the caller headers on, except hop-by-hop ones and Host', async () => {
      const response = await fetchOutbound(`${app.origin}/echo`, {
        policy: allowLoopback,
        headers: {
          'X-Trace': 'abc',
          Accept: 'application/pdf',
          Host: 'evil.example',
          Connection: 'x-named-hop',
          'X-Named-Hop': 'secret',
          'Keep-Alive': 'timeout=5',
          'Proxy-Authorization': 'Basic cHJveHk6cHc=',
          TE: 'trailers',
          Trailer: 'x-t',
          'Transfer-Encoding': 'chunked',
          Upgrade: 'h2c',
        },
      });
      const seen = JSON.parse((await readAll(response.body)).toString()) as Record<string, string>;
      expect(seen['x-trace']).toBe('abc');
      expect(seen['accept']).toBe('application/pdf');
      expect(seen['host']).toBe(`127.0.0.1:${app.port}`);
      for (const name of ['x-named-hop', 'keep-alive', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']) {
        expect(seen[name]).toBeUndefined();
      }
      expect(seen['connection']).not.toContain('x-named-hop');
    });

    it('follows up to 3 redirects and reports the final URL', async () => {
      const response = await fetchOutbound(`${app.origin}/hop/7`, { policy: allowLoopback });
      expect((await readAll(response.body)).toString()).toBe('arrived');
      expect(response.finalUrl).toBe(`${app.origin}/hop/10`);
    });

    it('drops credentials on a redirect to another origin', async () => {
      const to = encodeURIComponent(`${other.origin}/echo`);
      const response = await fetchOutbound(`${app.origin}/redirect?to=${to}`, {
        policy: allowLoopback,
        headers: { Authorization: 'Bearer t', Cookie: 'a=b', 'X-Keep': 'yes' },
      });
      const seen = JSON.parse((await readAll(response.body)).toString()) as Record<string, string>;
      expect(seen['authorization']).toBeUndefined();
      expect(seen['cookie']).toBeUndefined();
      expect(seen['x-keep']).toBe('yes');
    });

    it('connects to the address resolved once, not to what the name resolves to later', async () => {
      let lookups = 0;
      const policy = new OutboundUrlPolicy(OutboundAllowList.parse('docs.corp.test'), allowLoopback.limits);
      // A rebinding resolver: the first answer is the allowed server, later ones a refused address.
      const resolve: OutboundFetchOptions['resolve'] = async () => (lookups++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '127.0.0.2', family: 4 }]);
      const response = await fetchOutbound(`http://docs.corp.test:${app.port}/echo`, { policy, resolve });
      const seen = JSON.parse((await readAll(response.body)).toString()) as Record<string, string>;
      expect(seen['host']).toBe(`docs.corp.test:${app.port}`);
      expect(lookups).toBe(1);
    });
  });

  describe('refused before any connection is made', () => {
    const strict = new OutboundUrlPolicy();

    it.each([
      ['127.0.0.1', () => `http://127.0.0.1:${app.port}/`, () => app],
      ['[::1]', () => `http://[::1]:${v6.port}/`, () => v6],
      ['[::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${app.port}/`, () => app],
      ['[::ffff:7f00:2]', () => `http://[::ffff:7f00:2]:${bystander.port}/`, () => bystander],
      ['127.0.0.2', () => `http://127.0.0.2:${bystander.port}/`, () => bystander],
      ['2130706433 (127.0.0.1 as a number)', () => `http://2130706433:${app.port}/`, () => app],
      ['localhost', () => `http://localhost:${app.port}/`, () => app],
      ['LOCALHOST.', () => `http://LOCALHOST.:${app.port}/`, () => app],
    ])('%s', async (_label, url, server) => {
      const before = server().connections;
      const error = await refusal(fetchOutbound(url(), { policy: strict, errorDetails: { in: 'body', at: 'source.url' } }));
      expect(error.reason).toBe('address');
      expect(error.details).toEqual({ in: 'body', at: 'source.url', reason: 'address' });
      expect(error.message).not.toMatch(/127|::1|localhost/);
      expect(server().connections).toBe(before);
    });

    it.each(['http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://[::]/', 'http://metadata.google.internal/computeMetadata/v1/', 'http://intranet/'])(
      '%s',
      async (url) => {
        const started = Date.now();
        const error = await refusal(fetchOutbound(url, { policy: strict }));
        expect(error.reason).toBe('address');
        expect(Date.now() - started).toBeLessThan(1_000);
      },
    );

    it('a DNS name that resolves to loopback', async () => {
      const before = app.connections;
      const resolve: OutboundFetchOptions['resolve'] = async () => [{ address: '127.0.0.1', family: 4 }];
      const error = await refusal(fetchOutbound(`http://rebind.example.com:${app.port}/`, { policy: strict, resolve }));
      expect(error.reason).toBe('address');
      expect(app.connections).toBe(before);
    });

    it('a DNS name with one public and one private address', async () => {
      const resolve: OutboundFetchOptions['resolve'] = async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '::ffff:10.1.2.3', family: 6 },
      ];
      expect((await refusal(fetchOutbound('https://mixed.example.com/', { policy: strict, resolve }))).reason).toBe('address');
    });

    it('a redirect from an allow-listed server to a refused address', async () => {
      const before = bystander.connections;
      const to = encodeURIComponent(`${bystander.origin}/`);
      const error = await refusal(fetchOutbound(`${app.origin}/redirect?to=${to}`, { policy: allowLoopback }));
      expect(error.reason).toBe('address');
      expect(bystander.connections).toBe(before);
    });

    it('a redirect to a name that resolves to a refused address', async () => {
      const resolve: OutboundFetchOptions['resolve'] = async () => [{ address: '127.0.0.2', family: 4 }];
      const before = bystander.connections;
      const to = encodeURIComponent(`http://sneaky.example.com:${bystander.port}/`);
      const error = await refusal(fetchOutbound(`${app.origin}/redirect?status=307&to=${to}`, { policy: allowLoopback, resolve }));
      expect(error.reason).toBe('address');
      expect(bystander.connections).toBe(before);
    });

    it('a redirect to another scheme', async () => {
      const to = encodeURIComponent('file:///etc/passwd');
      expect((await refusal(fetchOutbound(`${app.origin}/redirect?to=${to}`, { policy: allowLoopback }))).reason).toBe('scheme');
    });

    it.each(['file:///etc/passwd', 'ftp://ftp.example.com/a', 'gopher://example.com/', 'data:text/plain,hi'])('scheme %s', async (url) => {
      expect((await refusal(fetchOutbound(url))).reason).toBe('scheme');
    });

    it.each(['not a url', 'http://user:pw@example.com/'])('invalid %s', async (url) => {
      expect((await refusal(fetchOutbound(url))).reason).toBe('invalid_url');
    });
  });

  describe('limits', () => {
    it('more than 3 redirects', async () => {
      const error = await refusal(fetchOutbound(`${app.origin}/hop/0`, { policy: allowLoopback }));
      expect(error.reason).toBe('redirects');
    });

    it('a declared body over the size limit', async () => {
      const error = await refusal(fetchOutbound(`${app.origin}/big`, { policy: allowLoopback }));
      expect(error.reason).toBe('too_large');
    });

    it('a streamed body over the size limit fails the stream', async () => {
      const response = await fetchOutbound(`${app.origin}/big-chunked`, { policy: allowLoopback });
      const error = await refusal(readAll(response.body));
      expect(error.reason).toBe('too_large');
    });

    it('a server that never answers', async () => {
      const started = Date.now();
      const error = await refusal(fetchOutbound(`${app.origin}/hang`, { policy: allowLoopback, limits: { timeoutMs: 300 } }));
      expect(error.reason).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('a body that stalls past the total time limit', async () => {
      const response = await fetchOutbound(`${app.origin}/stall-body`, { policy: allowLoopback, limits: { timeoutMs: 400 } });
      const error = await refusal(readAll(response.body));
      expect(error.reason).toBe('timeout');
    });

    it('a TLS handshake that never completes hits the connect timeout', async () => {
      const sockets: Socket[] = [];
      const silent = createTcpServer((socket) => void sockets.push(socket)); // accepts TCP, never speaks TLS
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = silent.address() as AddressInfo;
        const started = Date.now();
        const error = await refusal(fetchOutbound(`https://127.0.0.1:${port}/`, { policy: allowLoopback, limits: { connectTimeoutMs: 200 } }));
        expect(error.reason).toBe('timeout');
        expect(Date.now() - started).toBeLessThan(2_000); // the connect limit, not the 10 s total
      } finally {
        sockets.forEach((socket) => socket.destroy());
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });

    it('a port nobody listens on is unreachable', async () => {
      const closed = await startServer('127.0.0.1', appHandler);
      const url = `${closed.origin}/`;
      await closed.close();
      expect((await refusal(fetchOutbound(url, { policy: allowLoopback }))).reason).toBe('unreachable');
    });
  });

  describe('TLS with a self-signed certificate', () => {
    let dir: string;
    let tlsServer: TestServer;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'quire-urlguard-'));
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ], { stdio: 'ignore' });
      tlsServer = await startServer('127.0.0.1', appHandler, { key: readFileSync(key), cert: readFileSync(cert) });
    });
    afterAll(async () => {
      await tlsServer?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('is refused by default', async () => {
      expect((await refusal(fetchOutbound(`${tlsServer.origin}/`, { policy: allowLoopback }))).reason).toBe('tls');
    });

    it('is fetched with acceptBadSslCertificate, for that request only', async () => {
      const response = await fetchOutbound(`${tlsServer.origin}/stream`, { policy: allowLoopback, acceptBadSslCertificate: true });
      expect((await readAll(response.body)).toString()).toBe('one,two,three');
      expect((await refusal(fetchOutbound(`${tlsServer.origin}/`, { policy: allowLoopback }))).reason).toBe('tls');
    });
  });
});
