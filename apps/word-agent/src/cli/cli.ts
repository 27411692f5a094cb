import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AgentFlags, ConfigError, loadSettings, xdgHomes } from '../config/agent-config';
import { writeJsonDurably, readJson } from '../state/durable-file';
import { LaunchLinkError } from '../launch/winword-uri';
import { SessionTokenError } from '../launch/session-token';
import { AgentLog } from '../logging/agent-log';
import { redact } from '../logging/redact';
import { DownloadError } from '../session/download-document';
import { applyRegisterPlan, registerPlan } from '../register/url-handler';
import { openCommand } from './open-command';
import { resumeCommand } from './resume-command';
import { statusCommand } from './status-command';

export const USAGE = `Usage: quire-word-agent <command> [options]

Commands:
  open <winword-uri>   download the report, open it in Word, send every save to Quire
  resume               watch again the sessions left by a stopped agent and send their queues
  status [--json]      sessions, queued versions and the last upload result
  register [--dry-run] [--server <url>]
                       make this program the handler of winword:// links for this user
                       (--server also saves the Quire address in the config file)

Options:
  --server <url>       Quire address (else QUIRE_SERVER_URL, the config file, or the token's issuer)
  --state-dir <dir>    state folder (else QUIRE_AGENT_STATE_DIR, XDG_STATE_HOME/quire-word-agent)
  --soffice <path>     LibreOffice program (else QUIRE_AGENT_SOFFICE, soffice)
  --converter <kind>   warm | cold | auto (default auto: a LibreOffice kept running)
  --no-open            do not open the document in Word (tests, servers)
`;

/** Exit codes: 0 done, 1 failed, 2 bad usage or link. */
export async function runCli(argv: string[], scriptPath: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        server: { type: 'string' },
        'state-dir': { type: 'string' },
        soffice: { type: 'string' },
        converter: { type: 'string' },
        'no-open': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  const flags: AgentFlags = {
    server: values.server,
    stateDir: values['state-dir'],
    soffice: values.soffice,
    converter: values.converter,
    noOpen: values['no-open'],
  };

  let log: AgentLog | undefined;
  try {
    const settings = loadSettings(flags);
    log = new AgentLog(settings.stateDir, settings.notify);
    switch (command) {
      case 'open':
        if (rest.length !== 1) throw new LaunchLinkError('open takes one argument: the winword:// link');
        log.info('open', { argument: rest[0] });
        return await openCommand(rest[0], settings, log);
      case 'resume':
        return await resumeCommand(settings, log);
      case 'status':
        return await statusCommand(settings, !!values.json, (line) => process.stdout.write(`${line}\n`));
      case 'register': {
        const plan = registerPlan({ node: process.execPath, script: realpathSync(scriptPath) }, process.platform, undefined, xdgHomes());
        if (values['dry-run']) {
          for (const file of plan.files) process.stdout.write(`# would write ${file.path}\n${file.content}\n`);
          for (const cmd of plan.commands) process.stdout.write(`# would run: ${cmd.join(' ')}\n`);
          for (const note of plan.notes) process.stdout.write(`${note}\n`);
          if (values.server) process.stdout.write(`# would save serverUrl ${settings.serverUrl} in ${settings.configFile}\n`);
          return 0;
        }
        if (values.server) {
          const current = (await readJson<Record<string, unknown>>(settings.configFile)) ?? {};
          await writeJsonDurably(settings.configFile, { ...current, serverUrl: settings.serverUrl });
          log.tell(`Quire address saved in ${settings.configFile}.`);
        }
        for (const warning of await applyRegisterPlan(plan)) log.tell(warning, 'warn');
        for (const file of plan.files) log.tell(`Wrote ${file.path}.`);
        for (const note of plan.notes) process.stdout.write(`${note}\n`);
        if (plan.files.length) log.tell('winword:// links now open with quire-word-agent.');
        return 0;
      }
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    const message = redact((error as Error).message);
    const usage = error instanceof LaunchLinkError || error instanceof ConfigError;
    const known = usage || error instanceof SessionTokenError || error instanceof DownloadError;
    if (log) log.error(message, known ? undefined : { stack: redact((error as Error).stack ?? '') });
    process.stderr.write(`quire-word-agent: ${message}\n`);
    return usage ? 2 : 1;
  }
}
