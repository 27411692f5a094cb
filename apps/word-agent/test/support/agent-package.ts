import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@quire/testing';

const run = promisify(execFile);

/** Where nothing listens: any registry request fails at once. */
export const UNREACHABLE_REGISTRY = 'http://127.0.0.1:9';
/** node, npm, and the system tools the agent calls (soffice, python3, xdg-mime), nothing from the repo. */
export const SYSTEM_PATH = [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');

/** `npm pack` of the built agent (dist/, built by the jest global setup), as `npm run pack:agent` does. */
export function packAgent(destination: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { packWordAgent } = require(path.join(REPO_ROOT, 'scripts/lib/word-agent-package.js')) as {
    packWordAgent: (dist: string, destination: string) => string;
  };
  return packWordAgent(path.join(REPO_ROOT, 'dist'), destination);
}

export interface InstalledAgent {
  prefix: string;
  /** The installed package's folder (`<prefix>/lib/node_modules/quire-word-agent`). */
  packageDir: string;
  /** The command npm linked (`<prefix>/bin/quire-word-agent`). */
  bin: string;
  npmOutput: string;
}

/**
 * `npm install -g --prefix <dir>/prefix <tarball>` as on a PC with no registry: the registry and
 * proxies point where nothing listens, `--offline`, an empty cache, no user or global npmrc, and an
 * environment without the repo's npm settings.
 */
export async function installOffline(tarball: string, dir: string, timeoutMs: number): Promise<InstalledAgent> {
  const prefix = path.join(dir, 'prefix');
  const npmHome = path.join(dir, 'npm-home');
  await mkdir(npmHome, { recursive: true });
  await writeFile(path.join(npmHome, '.npmrc'), '');
  const { stdout, stderr } = await run(
    'npm',
    ['install', '--global', '--prefix', prefix, '--offline', '--no-update-notifier', '--cache', path.join(dir, 'npm-cache'), '--no-audit', '--no-fund', tarball],
    {
      cwd: dir,
      timeout: timeoutMs,
      env: {
        PATH: SYSTEM_PATH,
        HOME: npmHome,
        npm_config_registry: UNREACHABLE_REGISTRY,
        npm_config_proxy: UNREACHABLE_REGISTRY,
        npm_config_https_proxy: UNREACHABLE_REGISTRY,
        npm_config_userconfig: path.join(npmHome, '.npmrc'),
      },
    },
  );
  const packageDir = path.join(prefix, 'lib', 'node_modules', 'quire-word-agent');
  return { prefix, packageDir, bin: path.join(prefix, 'bin', 'quire-word-agent'), npmOutput: stdout + stderr };
}
