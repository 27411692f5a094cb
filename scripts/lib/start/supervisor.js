'use strict';
// Owns every process `npm start` runs. Stops them in order (apps, gateway first, before the
// dependencies they use; then dependencies and tasks in reverse start order) on Ctrl-C / SIGTERM,
// and stops everything when one of them dies on its own.
const { Child } = require('./child');
const { RunRecord } = require('./leftovers');

class Supervisor {
  constructor({ output, stateDir, stopTimeoutMs }) {
    this.output = output;
    this.stopTimeoutMs = stopTimeoutMs;
    this.record = new RunRecord(stateDir);
    this.children = [];
    this.stopping = undefined;
  }

  /** Stops what an earlier, killed run left behind (see leftovers.js). */
  stopLeftovers() {
    return this.record.stopLeftovers((message) => this.output.say(message, 'warn'), this.stopTimeoutMs);
  }

  /** Ctrl-C, SIGTERM and a closed terminal stop everything cleanly; a second one kills. */
  handleSignals() {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      process.on(signal, () => {
        if (this.stopping) {
          this.output.say(`${signal} again: killing what is left`, 'warn');
          for (const child of this.children) child.signal('SIGKILL');
          return;
        }
        void this.shutdown(0, `${signal} received`);
      });
    }
    // Last resort if this script crashes: children are in their own process groups, so ask them
    // to stop (apps drain on SIGTERM, Postgres finishes its fast shutdown on its own).
    process.on('exit', () => {
      for (const child of this.children) child.signal(child.stopSignal);
    });
  }

  /**
   * Runs a process and watches it: an exit nobody asked for stops the whole stack, except for a
   * 'task' (a build), which is expected to end.
   */
  spawn(options) {
    if (this.stopping) throw Object.assign(new Error(`not starting ${options.name}: stopping`), { fatal: true });
    const child = new Child({ ...options, output: this.output });
    this.children.push(child);
    this.record.add(child);
    void child.exited.then(() => {
      if (child.role !== 'task' && !child.stopRequested && !this.stopping) this.fail(`${child.name} exited unexpectedly (${child.describeExit()})`, child);
    });
    return child;
  }

  /** Reports a failure (with the last lines of the process it concerns) and stops everything. */
  fail(message, child, hint) {
    if (this.stopping) return this.stopping;
    let report = `\nnpm start failed: ${message}`;
    if (hint) report += `\n  ${hint}`;
    if (child) report += `\n--- last lines of ${child.name} ---\n${child.tail.join('\n') || '(it printed nothing)'}\n---`;
    this.output.block(report, process.stderr);
    return this.shutdown(1, 'stopping everything after the failure above');
  }

  /** Stops apps, then dependencies, then exits with `code`. Safe to call more than once. */
  shutdown(code, reason) {
    if (!this.stopping) {
      this.stopping = this.stopAll(reason).then(
        () => this.exit(code),
        (error) => {
          this.output.say(`while stopping: ${error.stack ?? error}`, 'error');
          this.exit(1);
        },
      );
    }
    return this.stopping;
  }

  async stopAll(reason) {
    const apps = this.children.filter((c) => c.role === 'app');
    const gateway = apps.filter((c) => c.name === 'gateway');
    const services = apps.filter((c) => !gateway.includes(c));
    const others = this.children.filter((c) => c.role !== 'app').reverse();
    const running = [...gateway, ...services, ...others].filter((c) => c.alive);
    if (running.length) this.output.say(`${reason}: stopping ${running.map((c) => c.name).join(', ')}`);
    await Promise.all(gateway.map((c) => c.stop(this.stopTimeoutMs)));
    await Promise.all(services.map((c) => c.stop(this.stopTimeoutMs)));
    for (const other of others) await other.stop(this.stopTimeoutMs);
    this.record.remove();
    if (running.length) this.output.say('stopped');
  }

  exit(code) {
    process.exitCode = code;
    process.exit(code);
  }
}

module.exports = { Supervisor };
