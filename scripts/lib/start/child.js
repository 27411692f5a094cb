'use strict';
// One process that `npm start` runs and owns: its output goes to the shared console, its last
// lines are kept for the report if it dies, and it can be stopped with a deadline.
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');

const TAIL_LINES = 40;
const OUTPUT_GRACE_MS = 1000;

class Child {
  /**
   * @param options.name     label on every line
   * @param options.role     'app' | 'dependency' | 'task' (apps stop first; a task may end)
   * @param options.stopSignal  what asks it to stop cleanly (Postgres: SIGINT = fast shutdown)
   * @param options.classify  reads the level of a non-JSON output line (see ConsoleOutput)
   * @param options.printFrom  lower levels are only kept for the failure report, not printed
   */
  constructor({ name, role, command, args, env, cwd, uid, gid, stopSignal = 'SIGTERM', output, classify, printFrom = 0 }) {
    Object.assign(this, { name, role, command, args, stopSignal, output, classify, printFrom });
    this.tail = [];
    this.lineListeners = new Set();
    this.stopRequested = false;
    this.exit = undefined;
    // Its own process group: a Ctrl-C in the terminal reaches only `npm start`, which then stops
    // the apps before the databases they use.
    this.process = spawn(command, args, { env, cwd, uid, gid, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.process.pid;
    this.exited = new Promise((resolve) => {
      const finish = (exit) => {
        if (this.exit) return;
        this.exit = exit;
        resolve(exit);
      };
      // 'close' comes once its output is read to the end, so the failure report has its last
      // words; a grandchild holding the pipes open must not make us wait for ever, though.
      this.process.once('close', (code, signal) => finish({ code, signal }));
      this.process.once('exit', (code, signal) => setTimeout(() => finish({ code, signal }), OUTPUT_GRACE_MS));
      this.process.once('error', (error) => finish({ code: null, signal: null, error }));
    });
    for (const [stream, name] of [
      [this.process.stdout, 'stdout'],
      [this.process.stderr, 'stderr'],
    ]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.onLine(line, name));
    }
  }

  get alive() {
    return this.exit === undefined && this.pid !== undefined;
  }

  onLine(line, stream) {
    if (line === '') return;
    this.tail.push(this.output.fromProcess(this.name, line, { stream, classify: this.classify, printFrom: this.printFrom }));
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    for (const listener of this.lineListeners) listener(line);
  }

  /** Resolves with the first line (from now on) that `match` maps to a value; fails if it exits first. */
  waitForLine(match, timeoutMs, description) {
    return new Promise((resolve, reject) => {
      const listener = (line) => {
        const value = match(line);
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${description}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.lineListeners.delete(listener);
      };
      this.lineListeners.add(listener);
      void this.exited.then(() => {
        done();
        reject(this.exitedError());
      });
    });
  }

  /** An error for "it exited while we waited for it", marked fatal so polling stops at once. */
  exitedError() {
    const error = new Error(`${this.name} exited (${this.describeExit()})`);
    error.fatal = true;
    return error;
  }

  describeExit() {
    if (!this.exit) return 'still running';
    if (this.exit.error) return this.exit.error.message;
    return this.exit.signal ? `killed by ${this.exit.signal}` : `exit code ${this.exit.code}`;
  }

  signal(signal) {
    if (!this.alive) return;
    try {
      // A task (the build) is stopped with whatever it runs (tsc); a server is asked by its main
      // process, which stops its own workers (signalling Postgres backends directly would not).
      process.kill(this.role === 'task' || signal === 'SIGKILL' ? -this.pid : this.pid, signal);
    } catch {
      // exited meanwhile
    }
  }

  /** Asks it to stop; kills it if it is still there after `timeoutMs`. Resolves once it exited. */
  async stop(timeoutMs) {
    this.stopRequested = true;
    if (!this.alive) return this.exit;
    this.signal(this.stopSignal);
    const timer = setTimeout(() => {
      this.output.say(`${this.name} did not stop within ${Math.round(timeoutMs / 1000)} s: killing it`, 'warn');
      this.signal('SIGKILL');
    }, timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

module.exports = { Child };
