import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { notifyDesktop } from './desktop-notifier';
import { redact } from './redact';

type Level = 'info' | 'warn' | 'error';

const MAX_LOG_BYTES = 5 * 1024 * 1024;

/** Keeps the log bounded: past 5 MB at start, the old file becomes agent.log.1 (one generation). */
function rotateIfLarge(file: string): void {
  try {
    if (statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
}

/**
 * The agent's log: one line per event in `<state>/agent.log`, every line redacted. `tell` also
 * prints to the terminal (the user's messages); `info` etc. only write the file.
 */
export class AgentLog {
  readonly file: string;

  constructor(
    stateDir: string,
    private readonly notify: boolean = false,
    private readonly console: { out: (line: string) => void; err: (line: string) => void } = {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    },
  ) {
    // The state folder holds session tokens: only this user may read it.
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.file = path.join(stateDir, 'agent.log');
    rotateIfLarge(this.file);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }

  /** A message for the user: printed and logged. */
  tell(message: string, level: Level = 'info'): void {
    const line = redact(message);
    if (level === 'info') this.console.out(line);
    else this.console.err(line);
    this.write(level, message);
  }

  /** Something the user must act on (the session is over, a file was refused): also a desktop notification. */
  alert(message: string): void {
    this.tell(message, 'error');
    if (this.notify) notifyDesktop('Quire Word agent', redact(message));
  }

  private write(level: Level, message: string, fields?: Record<string, unknown>): void {
    const extra = fields ? ` ${JSON.stringify(fields)}` : '';
    const line = redact(`${new Date().toISOString()} ${level} pid=${process.pid} ${message}${extra}`);
    try {
      appendFileSync(this.file, `${line}\n`, { mode: 0o600 });
    } catch {
      // A full disk must not stop the agent: the terminal still gets user messages.
    }
  }
}
