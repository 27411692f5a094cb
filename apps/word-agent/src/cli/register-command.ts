import { realpathSync } from 'node:fs';
import { AgentSettings, xdgHomes } from '../config/agent-config';
import { AgentLog } from '../logging/agent-log';
import { applyRegisterPlan, registerPlan } from '../register/url-handler';
import { readJson, writeJsonDurably } from '../state/durable-file';

/**
 * `register`: makes this agent the user's handler of winword:// links (and `resume` at login);
 * with `--server`, also stores the Quire address in the config file. `--dry-run` only prints.
 */
export async function registerCommand(
  settings: AgentSettings,
  options: { scriptPath: string; saveServer: boolean; dryRun: boolean },
  log: AgentLog,
  print: (line: string) => void,
): Promise<number> {
  const plan = registerPlan({ node: process.execPath, script: realpathSync(options.scriptPath) }, process.platform, undefined, xdgHomes());
  if (options.dryRun) {
    for (const file of plan.files) print(`# would write ${file.path}\n${file.content}`);
    for (const command of plan.commands) print(`# would run: ${command.join(' ')}`);
    for (const note of plan.notes) print(note);
    if (options.saveServer) print(`# would save serverUrl ${settings.serverUrl} in ${settings.configFile}`);
    return 0;
  }
  if (options.saveServer) {
    const current = (await readJson<Record<string, unknown>>(settings.configFile)) ?? {};
    await writeJsonDurably(settings.configFile, { ...current, serverUrl: settings.serverUrl });
    log.tell(`Quire address saved in ${settings.configFile}.`);
  }
  for (const warning of await applyRegisterPlan(plan)) log.tell(warning, 'warn');
  for (const file of plan.files) log.tell(`Wrote ${file.path}.`);
  for (const note of plan.notes) print(note);
  if (plan.files.length) log.tell('winword:// links now open with quire-word-agent.');
  return 0;
}
