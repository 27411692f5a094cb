import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, REPO_ROOT } from './processes';
import { waitFor } from './wait';

/**
 * Private copies of the platform's dependencies for fault tests: stopping the machine's shared
 * Postgres, NATS or S3 would break every other test file running at the same time. Each is a real
 * server process on a free port of its own, which the test may stop and start again (same port,
 * same data) while the apps keep running.
 */
abstract class PrivateServer {
  protected child?: ChildProcess;
  protected output = '';

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the server printed last (for failure messages). */
  log(): string {
    return this.output.slice(-4000);
  }

  protected spawnServer(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    // Readiness is read from this run's output only.
    this.output = '';
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    return child;
  }

  /** Stops the process (SIGKILL: a crash; SIGTERM / SIGINT: a clean stop) and waits for its exit. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  }
}

/** True once something accepts TCP connections on 127.0.0.1:`port`. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `nats-server -js` on a free port, its JetStream store in a temp dir that outlives restarts. */
export class PrivateNats extends PrivateServer {
  private readonly storeDir = mkdtempSync(path.join(tmpdir(), 'quire-nats-'));
  port = 0;

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const binary = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((candidate) => existsSync(candidate)) ?? 'nats-server';
    const child = this.spawnServer(binary, ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir]);
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}:\n${this.log()}`);
        return this.output.includes('Server is ready') && accepting(this.port);
      },
      { timeoutMs: 15_000, intervalMs: 50, description: 'the private nats-server to be ready' },
    );
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** uid / gid of the `postgres` system user, which initdb and postgres need when we are root. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith('postgres:'));
  if (!entry) throw new Error('Running as root and there is no postgres user to run a private Postgres as');
  const [, , uid, gid] = entry.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function postgresBinaries(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  const dir = versions.map((version) => `/usr/lib/postgresql/${version}/bin`).find((candidate) => existsSync(path.join(candidate, 'initdb')));
  if (!dir) throw new Error('No Postgres binaries under /usr/lib/postgresql');
  return dir;
}

/**
 * A Postgres cluster of the test's own (initdb in a temp dir, trust auth, fsync off), run as the
 * postgres user when we are root. `stop()` then `start()` is Postgres down and back on the same
 * port with the same data.
 */
export class PrivatePostgres extends PrivateServer {
  private readonly dataDir: string;
  private readonly user = postgresUser();
  private readonly bin = postgresBinaries();
  port = 0;

  constructor() {
    super();
    const parent = mkdtempSync(path.join(tmpdir(), 'quire-pg-'));
    chmodSync(parent, 0o755);
    this.dataDir = path.join(parent, 'data');
  }

  /** The admin database's URL (user postgres, no password). */
  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    if (!existsSync(path.join(this.dataDir, 'PG_VERSION'))) await this.initdb();
    const child = this.spawnServer(
      path.join(this.bin, 'postgres'),
      ['-D', this.dataDir, '-p', String(this.port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${this.dataDir}`, '-c', 'fsync=off', '-c', 'max_connections=200'],
      { uid: this.user?.uid, gid: this.user?.gid, cwd: this.dataDir, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' } },
    );
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${this.log()}`);
        return this.output.includes('ready to accept connections') && accepting(this.port);
      },
      { timeoutMs: 30_000, intervalMs: 50, description: 'the private Postgres to accept connections' },
    );
  }

  /** A fast shutdown (SIGINT): open connections are ended, as when an operator stops the server. */
  override stop(signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
    return super.stop(signal);
  }

  async remove(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(path.dirname(this.dataDir), { recursive: true, force: true });
  }

  private async initdb(): Promise<void> {
    mkdirSync(this.dataDir, { mode: 0o700 });
    if (this.user) chownSync(this.dataDir, this.user.uid, this.user.gid);
    const child = spawn(path.join(this.bin, 'initdb'), ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      uid: this.user?.uid,
      gid: this.user?.gid,
      cwd: this.dataDir,
      env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`initdb failed (${code}):\n${output}`);
  }
}

/** The in-process S3-compatible server (scripts/s3-server.mjs, objects in memory) on a port of its own. */
export class PrivateS3 extends PrivateServer {
  endpoint = '';

  async start(): Promise<void> {
    const child = this.spawnServer(process.execPath, [path.join(REPO_ROOT, 'scripts/s3-server.mjs'), '0']);
    this.endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('The private S3 server did not start')), 15_000);
      createInterface({ input: child.stdout! }).once('line', (line) => {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { endpoint: string }).endpoint);
      });
      child.once('exit', (code) => reject(new Error(`The private S3 server exited with ${code}`)));
    });
  }
}
