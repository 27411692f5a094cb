import { AgentSettings } from '../config/agent-config';
import { createConverter } from '../convert/converter-factory';
import { PdfConverter } from '../convert/pdf-converter';
import { AgentLog } from '../logging/agent-log';
import { SessionRunner } from '../session/session-runner';
import { SessionPaths, SessionRecord, readSessionStatus, releaseSession } from '../state/session-store';

/**
 * The sessions this agent process watches, with one shared converter. Runs until every session
 * has stopped, or until SIGINT / SIGTERM (the queue stays on disk for the next start).
 */
export class AgentRuntime {
  private readonly runners: { runner: SessionRunner; paths: SessionPaths }[] = [];
  private converter: PdfConverter | undefined;

  constructor(
    private readonly settings: AgentSettings,
    private readonly log: AgentLog,
  ) {}

  async add(paths: SessionPaths, record: SessionRecord): Promise<SessionRunner> {
    this.converter ??= createConverter(this.settings, this.log);
    const runner = new SessionRunner(this.settings, paths, record, this.converter, this.log);
    this.runners.push({ runner, paths });
    await runner.start(await readSessionStatus(paths));
    return runner;
  }

  /** Waits for every session; true when one of them is over for good (refused by the server, expired). */
  async run(): Promise<boolean> {
    const stopAll = () => {
      this.log.info('signal received; stopping');
      for (const { runner } of this.runners) void runner.stop('agent stopped');
    };
    process.once('SIGINT', stopAll);
    process.once('SIGTERM', stopAll);
    try {
      const results = await Promise.all(this.runners.map(({ runner }) => runner.done));
      return results.some((result) => result.ended);
    } finally {
      process.off('SIGINT', stopAll);
      process.off('SIGTERM', stopAll);
      await this.converter?.close();
      for (const { paths } of this.runners) await releaseSession(paths);
    }
  }
}
