'use strict';
// Children run in their own process groups (so Ctrl-C stops them in order), which means they
// outlive an `npm start` that was killed with SIGKILL. Each run records its children in
// <state>/run/start-<pid>.json; the next run stops those whose recorder is gone. A process is
// identified by pid *and* start time (from /proc), so a recycled pid is never signalled.
const fs = require('node:fs');
const path = require('node:path');

/** The start time of a process (clock ticks since boot), or undefined when it is gone / no /proc. */
function startTimeOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command) may contain spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function sameProcess(entry) {
  return entry.startTime !== undefined && startTimeOf(entry.pid) === entry.startTime;
}

function signal(entry, name) {
  try {
    process.kill(entry.pid, name);
  } catch {
    // gone meanwhile
  }
}

async function stopAll(entries, say, timeoutMs) {
  for (const entry of entries) {
    say(`stopping ${entry.name} (pid ${entry.pid}) left running by an earlier npm start that was killed`);
    signal(entry, entry.stopSignal);
  }
  const deadline = Date.now() + timeoutMs;
  while (entries.some(sameProcess) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const entry of entries.filter(sameProcess)) signal(entry, 'SIGKILL');
}

class RunRecord {
  constructor(stateDir) {
    this.dir = path.join(stateDir, 'run');
    this.file = path.join(this.dir, `start-${process.pid}.json`);
    this.children = [];
  }

  add(child) {
    if (child.pid === undefined) return;
    this.children.push({ pid: child.pid, name: child.name, role: child.role, stopSignal: child.stopSignal, startTime: startTimeOf(child.pid) });
    this.write();
  }

  write() {
    fs.mkdirSync(this.dir, { recursive: true });
    const record = { pid: process.pid, startTime: startTimeOf(process.pid), children: this.children };
    // Written whole (rename), so another run never reads half a file.
    fs.writeFileSync(`${this.file}.tmp`, `${JSON.stringify(record)}\n`);
    fs.renameSync(`${this.file}.tmp`, this.file);
  }

  remove() {
    fs.rmSync(this.file, { force: true });
  }

  /**
   * Stops the children of earlier runs that died without stopping them; `say` reports each.
   * Resolves once they are gone (SIGKILL after `timeoutMs`).
   */
  async stopLeftovers(say, timeoutMs) {
    let files = [];
    try {
      files = fs.readdirSync(this.dir).filter((f) => /^start-\d+\.json$/.test(f));
    } catch {
      return;
    }
    for (const file of files) {
      const full = path.join(this.dir, file);
      let record;
      try {
        record = JSON.parse(fs.readFileSync(full, 'utf8'));
      } catch {
        fs.rmSync(full, { force: true });
        continue;
      }
      if (sameProcess(record)) continue; // that run is still going: not ours to touch
      const alive = (record.children ?? []).filter(sameProcess);
      // Apps before the dependencies they use, as a normal stop does.
      await stopAll(alive.filter((entry) => entry.role === 'app'), say, timeoutMs);
      await stopAll(alive.filter((entry) => entry.role !== 'app').reverse(), say, timeoutMs);
      fs.rmSync(full, { force: true });
    }
  }
}

module.exports = { RunRecord, startTimeOf };
