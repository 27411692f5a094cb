import { ChildProcess, spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { childEnv } from '../config/agent-config';

/** `-env:UserInstallation=`: a private profile, so the agent runs beside the user's own LibreOffice. */
export function profileArgument(profileDir: string): string {
  return `-env:UserInstallation=${pathToFileURL(profileDir).href}`;
}

export const HEADLESS_FLAGS = ['--headless', '--invisible', '--nologo', '--norestore', '--nolockcheck', '--nodefault'];

/**
 * `tempDir`: LibreOffice's TMPDIR, a folder the agent removes afterwards (a killed LibreOffice
 * leaves its `lu*.tmp` folders behind).
 */
export function spawnGroup(command: string, args: string[], tempDir?: string): ChildProcess {
  const env = tempDir ? { ...childEnv(), TMPDIR: tempDir, TMP: tempDir, TEMP: tempDir } : childEnv();
  // Own process group (not on Windows): a timeout kills soffice.bin too, not only the wrapper.
  return spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
}

/** Kills the process and its children (soffice starts soffice.bin): its group, or its tree on Windows. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    if (process.platform === 'win32') spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    else process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
