import { parseArgs } from 'node:util';
import { AgentFlags, ConfigError, loadSettings } from '../config/agent-config';
import { LaunchLinkError } from '../launch/winword-uri';
import { SessionTokenError } from '../launch/session-token';
import { AgentLog } from '../logging/agent-log';
import { notifyDesktop } from '../logging/desktop-notifier';
import { redact } from '../logging/redact';
import { DownloadError } from '../session/download-document';
import { openCommand } from './open-command';
import { registerCommand } from './register-command';
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

/** Exit codes: 0 done, 1 failed, 2 bad usage or link, 3 the session is over (server refusal, expiry). */
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

  const print = (line: string) => process.stdout.write(`${line}\n`);
  let log: AgentLog | undefined;
  let notify = false;
  try {
    const settings = loadSettings(flags);
    notify = settings.notify;
    log = new AgentLog(settings.stateDir, settings.notify);
    switch (command) {
      case 'open':
        if (rest.length !== 1) throw new LaunchLinkError('open takes one argument: the winword:// link');
        log.info('open', { argument: rest[0] });
        return await openCommand(rest[0], settings, log);
      case 'resume':
        return await resumeCommand(settings, log);
      case 'status':
        return await statusCommand(settings, !!values.json, print);
      case 'register':
        return await registerCommand(settings, { scriptPath, saveServer: !!values.server, dryRun: !!values['dry-run'] }, log, print);
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
    // A link opened from the browser has no terminal: say it on the desktop too.
    if (command === 'open' && notify) notifyDesktop('Quire Word agent', message);
    return usage ? 2 : 1;
  }
}
