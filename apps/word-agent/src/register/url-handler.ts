import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from '../config/agent-config';

export const DESKTOP_FILE_NAME = 'quire-word-agent.desktop';
export const AUTOSTART_FILE_NAME = 'quire-word-agent-resume.desktop';

/** The command line the OS runs for a winword:// link (absolute node + agent script). */
export interface AgentCommand {
  node: string;
  script: string;
}

const quoteDesktop = (value: string) => `"${value.replace(/(["`$\\])/g, '\\$1')}"`;

export function linuxDesktopEntry(command: AgentCommand): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Quire Word agent',
    'Comment=Opens Quire reports in Word and sends each save back',
    `Exec=${quoteDesktop(command.node)} ${quoteDesktop(command.script)} open %u`,
    'MimeType=x-scheme-handler/winword;',
    'NoDisplay=true',
    'Terminal=false',
    '',
  ].join('\n');
}

/** Runs `resume` at login: versions queued when the PC was shut down are sent. */
export function linuxAutostartEntry(command: AgentCommand): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Quire Word agent (resume)',
    `Exec=${quoteDesktop(command.node)} ${quoteDesktop(command.script)} resume`,
    'NoDisplay=true',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** A .reg file for the current user (HKCU: no administrator rights needed); also runs `resume` at login. */
export function windowsRegFile(command: AgentCommand): string {
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const line = `"${command.node}" "${command.script}" open "%1"`;
  return [
    'Windows Registry Editor Version 5.00',
    '',
    '[HKEY_CURRENT_USER\\Software\\Classes\\winword]',
    '@="URL:winword Protocol"',
    '"URL Protocol"=""',
    '',
    '[HKEY_CURRENT_USER\\Software\\Classes\\winword\\shell\\open\\command]',
    `@="${escape(line)}"`,
    '',
    '[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run]',
    `"QuireWordAgentResume"="${escape(`"${command.node}" "${command.script}" resume`)}"`,
    '',
  ].join('\r\n');
}

export interface RegisterPlan {
  files: { path: string; content: string }[];
  commands: string[][];
  notes: string[];
}

export function registerPlan(
  command: AgentCommand,
  platform = process.platform,
  home = os.homedir(),
  xdg: { dataHome?: string; configHome?: string } = {},
): RegisterPlan {
  if (platform === 'win32') {
    return {
      files: [],
      commands: [],
      notes: ['Save the following as quire-word-agent.reg and double-click it (or `reg import quire-word-agent.reg`):', windowsRegFile(command)],
    };
  }
  if (platform === 'darwin') {
    return {
      files: [],
      commands: [],
      notes: ['macOS needs an application bundle that declares the winword URL scheme: see apps/word-agent/README.md (macOS).'],
    };
  }
  const applications = path.join(xdg.dataHome || path.join(home, '.local', 'share'), 'applications');
  const autostart = path.join(xdg.configHome || path.join(home, '.config'), 'autostart');
  return {
    files: [
      { path: path.join(applications, DESKTOP_FILE_NAME), content: linuxDesktopEntry(command) },
      { path: path.join(autostart, AUTOSTART_FILE_NAME), content: linuxAutostartEntry(command) },
    ],
    commands: [
      ['xdg-mime', 'default', DESKTOP_FILE_NAME, 'x-scheme-handler/winword'],
      ['update-desktop-database', applications],
    ],
    notes: [],
  };
}

/** Writes the files and runs the commands of the plan (a missing update-desktop-database is fine). */
export async function applyRegisterPlan(plan: RegisterPlan): Promise<string[]> {
  const run = promisify(execFile);
  const warnings: string[] = [];
  for (const file of plan.files) {
    await fs.mkdir(path.dirname(file.path), { recursive: true });
    await fs.writeFile(file.path, file.content, { mode: 0o644 });
  }
  for (const [command, ...args] of plan.commands) {
    try {
      await run(command, args, { env: childEnv() });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      warnings.push(
        missing
          ? `${command} is not installed (package xdg-utils / desktop-file-utils)${command === 'xdg-mime' ? `: run \`${[command, ...args].join(' ')}\` once it is` : ''}`
          : `${command} failed: ${(error as Error).message.split('\n')[0]}`,
      );
    }
  }
  return warnings;
}
