import { spawn } from 'node:child_process';
import { childEnv } from '../config/agent-config';

/** Opens the document with the user's program for .docx (Word, LibreOffice…), detached from the agent. */
// On Windows `start` takes its first quoted argument as a window title: pass an empty one (Node
// quotes '' as "").
export function openWithDefaultProgram(file: string, platform = process.platform): Promise<void> {
  const [command, args] =
    platform === 'win32' ? ['cmd', ['/c', 'start', '', file]] : platform === 'darwin' ? ['open', [file]] : ['xdg-open', [file]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: childEnv(), detached: true, stdio: 'ignore', windowsHide: true });
    child.once('error', (error) => reject(new Error(`Cannot open the document with ${command}: ${error.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
