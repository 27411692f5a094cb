import { spawn } from 'node:child_process';
import { childEnv } from '../config/agent-config';

/**
 * A desktop notification, best effort: when the browser started the agent there is no terminal,
 * so "your session is over" must reach the user some other way. Linux: notify-send (libnotify);
 * macOS: osascript. Windows: not yet (the message is in agent.log and `status`).
 */
export function notifyDesktop(title: string, message: string, platform = process.platform): void {
  const command: [string, string[]] | undefined =
    platform === 'linux'
      ? ['notify-send', ['--app-name=Quire Word agent', title, message]]
      : platform === 'darwin'
        ? ['osascript', ['-e', `display notification ${JSON.stringify(message)} with title ${JSON.stringify(title)}`]]
        : undefined;
  if (!command) return;
  try {
    const child = spawn(command[0], command[1], { env: childEnv(), stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // not installed: the terminal and the log still have it
    child.unref();
  } catch {
    // best effort
  }
}
