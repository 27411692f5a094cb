'use strict';
// One stream for every process `npm start` runs: each line tagged with who wrote it. "pretty"
// turns pino JSON into `time level name message`; "json" passes pino lines through untouched and
// wraps everything else (Postgres, NATS, this script) in a pino-shaped object, so the whole stream
// stays machine-readable.

const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_NUMBERS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const NAME_COLORS = [36, 35, 34, 32, 33, 96, 95, 94, 92, 93];
const LEVEL_COLORS = { 40: 33, 50: 31, 60: 31 };

function clock(time) {
  return new Date(time).toISOString().slice(11, 23);
}

function parsePino(line) {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line);
    return typeof value === 'object' && value !== null && typeof value.level === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The message of a pino record in one line, plus the error stack (if any) on the following lines. */
function describeRecord(record) {
  let text = record.context ? `[${record.context}] ${record.msg ?? ''}` : String(record.msg ?? '');
  if (record.req && record.res) {
    text += ` ${record.req.method} ${record.req.url} -> ${record.res.statusCode}`;
    if (typeof record.responseTime === 'number') text += ` (${record.responseTime} ms)`;
  }
  const err = record.err;
  if (err && typeof err === 'object') {
    if (err.message && !text.includes(err.message)) text += `: ${err.message}`;
    if (err.stack && record.level >= 50) text += `\n${String(err.stack).replace(/^/gm, '    ')}`;
  } else if (typeof err === 'string' && !text.includes(err)) {
    text += `: ${err}`;
  }
  return text;
}

class ConsoleOutput {
  constructor({ format, color, names }) {
    this.format = format;
    this.color = color;
    this.width = Math.max(...names.map((n) => n.length), 8);
    this.colorOf = new Map(names.map((name, i) => [name, NAME_COLORS[i % NAME_COLORS.length]]));
  }

  paint(code, text) {
    return this.color && code ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  /** A line in the "pretty" shape, without colours (also kept as a process's last lines). */
  plain(name, level, time, text) {
    return `${clock(time)} ${(LEVELS[level] ?? String(level)).padEnd(5)} ${name.padEnd(this.width)}  ${text}`;
  }

  /**
   * Writes one line that process `name` printed (unless its level is below `printFrom`); returns
   * it in the plain pretty shape, for the report when that process dies. `classify` reads the
   * level of a non-JSON line (Postgres, NATS); without it, stderr counts as a warning.
   */
  fromProcess(name, line, { stream = 'stdout', classify, printFrom = 0 } = {}) {
    const record = parsePino(line);
    let level = stream === 'stderr' ? 40 : 30;
    let text = line;
    if (record) ({ level, text } = { level: record.level, text: describeRecord(record) });
    else if (classify) ({ level, text } = classify(line));
    const time = record && typeof record.time === 'number' ? record.time : Date.now();
    if (level < printFrom) return this.plain(name, level, time, text);
    if (this.format === 'json') {
      process.stdout.write(`${record ? line : JSON.stringify({ level, time, name, msg: line })}\n`);
    } else {
      this.writePretty(name, level, time, text);
    }
    return this.plain(name, level, time, text);
  }

  /** A message from `npm start` itself. */
  say(message, level = 'info') {
    const number = LEVEL_NUMBERS[level];
    if (this.format === 'json') {
      process.stdout.write(`${JSON.stringify({ level: number, time: Date.now(), name: 'start', msg: message })}\n`);
    } else {
      this.writePretty('start', number, Date.now(), message);
    }
  }

  /** A block of text for a person (the summary, a failure report), never reformatted. */
  block(text, stream = process.stdout) {
    if (this.format === 'json') {
      for (const line of text.split('\n').filter((l) => l.trim())) this.say(line, stream === process.stderr ? 'error' : 'info');
    } else {
      stream.write(`${text}\n`);
    }
  }

  writePretty(name, level, time, text) {
    const [first, ...rest] = text.split('\n');
    const head = `${this.paint(90, clock(time))} ${this.paint(LEVEL_COLORS[level], (LEVELS[level] ?? String(level)).padEnd(5))} ${this.paint(this.colorOf.get(name) ?? 1, name.padEnd(this.width))}`;
    process.stdout.write(`${head}  ${first}\n${rest.map((l) => `${l}\n`).join('')}`);
  }
}

module.exports = { ConsoleOutput, parsePino, describeRecord };
