import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type ConverterKind = 'warm' | 'cold' | 'auto';

/** Every setting of the agent, read once at start (flags > env > config file > defaults). */
export interface AgentSettings {
  stateDir: string;
  configFile: string;
  /** Gateway base URL (e.g. https://quire.example.com); when unset, the token's `iss` if it is a URL. */
  serverUrl?: string;
  sofficePath: string;
  /** Python with the `uno` module, for the warm converter. */
  pythonPath: string;
  converter: ConverterKind;
  convertTimeoutMs: number;
  /** Quiet time after the last file-system event before a save is examined. */
  debounceMs: number;
  /** Size and mtime must stay unchanged this long before the file is read. */
  stableMs: number;
  /** Fallback poll of the document (file systems that drop events). */
  pollIntervalMs: number;
  uploadTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Longest Retry-After the agent honours as given (longer: capped). */
  maxRetryAfterMs: number;
  /** Time between two keepalives that renew the session's lease on the server. */
  keepaliveMs: number;
  openDocument: boolean;
  /** Desktop notifications for messages the user must act on. */
  notify: boolean;
}

export interface AgentFlags {
  server?: string;
  stateDir?: string;
  soffice?: string;
  converter?: string;
  noOpen?: boolean;
}

/** A bad setting: names the variable or flag so the user can fix it. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** The user's state folder: XDG_STATE_HOME (or ~/.local/state), %LOCALAPPDATA% on Windows. */
export function defaultStateDir(env: Env = process.env, platform = process.platform): string {
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local'), 'quire-word-agent');
  return path.join(env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state'), 'quire-word-agent');
}

export function defaultConfigFile(env: Env = process.env, platform = process.platform): string {
  if (platform === 'win32') return path.join(env.APPDATA || path.join(os.homedir(), 'AppData', 'Roaming'), 'quire-word-agent', 'config.json');
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'quire-word-agent', 'config.json');
}

function defaultSoffice(platform: string): string {
  if (platform === 'win32') return 'C:\\Program Files\\LibreOffice\\program\\soffice.exe';
  if (platform === 'darwin') return '/Applications/LibreOffice.app/Contents/MacOS/soffice';
  return 'soffice';
}

function defaultPython(platform: string, soffice: string): string {
  // LibreOffice on Windows and macOS bundles its own Python with `uno`; Debian's is /usr/bin/python3.
  if (platform === 'win32') return path.join(path.dirname(soffice), 'python.exe');
  if (platform === 'darwin') return path.join(path.dirname(soffice), '..', 'Resources', 'python');
  return '/usr/bin/python3';
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ConfigError(`${file} is not a JSON object`);
}

function positiveInt(name: string, value: string | undefined, fallback: number, unit = 'milliseconds'): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new ConfigError(`${name} must be a positive integer of ${unit}, got "${value}"`);
  return parsed;
}

/**
 * QUIRE_AGENT_KEEPALIVE_SECONDS (default 300: three chances within the server's 900 s lease).
 * QUIRE_AGENT_KEEPALIVE_MS is for tests only (not documented): sub-second intervals.
 */
function keepaliveMs(env: Env): number {
  if (env.QUIRE_AGENT_KEEPALIVE_MS) return positiveInt('QUIRE_AGENT_KEEPALIVE_MS', env.QUIRE_AGENT_KEEPALIVE_MS, 0);
  return positiveInt('QUIRE_AGENT_KEEPALIVE_SECONDS', env.QUIRE_AGENT_KEEPALIVE_SECONDS, 300, 'seconds') * 1000;
}

export function normalizeServerUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function loadSettings(flags: AgentFlags = {}, env: Env = process.env, platform = process.platform): AgentSettings {
  const configFile = env.QUIRE_AGENT_CONFIG || defaultConfigFile(env, platform);
  const file = readConfigFile(configFile);
  const fromFile = (key: string): string | undefined => (typeof file[key] === 'string' && file[key] ? (file[key] as string) : undefined);

  const server = flags.server ?? (env.QUIRE_SERVER_URL || undefined) ?? fromFile('serverUrl');
  const serverName = flags.server ? '--server' : env.QUIRE_SERVER_URL ? 'QUIRE_SERVER_URL' : `serverUrl in ${configFile}`;
  const sofficePath = flags.soffice ?? (env.QUIRE_AGENT_SOFFICE || undefined) ?? fromFile('sofficePath') ?? defaultSoffice(platform);
  const converter = flags.converter ?? (env.QUIRE_AGENT_CONVERTER || undefined) ?? fromFile('converter') ?? 'auto';
  if (converter !== 'warm' && converter !== 'cold' && converter !== 'auto') {
    throw new ConfigError(`QUIRE_AGENT_CONVERTER / --converter must be warm, cold or auto, got "${converter}"`);
  }
  return {
    stateDir: path.resolve(flags.stateDir ?? (env.QUIRE_AGENT_STATE_DIR || undefined) ?? defaultStateDir(env, platform)),
    configFile,
    serverUrl: server ? normalizeServerUrl(serverName, server) : undefined,
    sofficePath,
    pythonPath: env.QUIRE_AGENT_PYTHON || fromFile('pythonPath') || defaultPython(platform, sofficePath),
    converter,
    convertTimeoutMs: positiveInt('QUIRE_AGENT_CONVERT_TIMEOUT_MS', env.QUIRE_AGENT_CONVERT_TIMEOUT_MS, 120_000),
    debounceMs: positiveInt('QUIRE_AGENT_DEBOUNCE_MS', env.QUIRE_AGENT_DEBOUNCE_MS, 300),
    stableMs: positiveInt('QUIRE_AGENT_STABLE_MS', env.QUIRE_AGENT_STABLE_MS, 500),
    pollIntervalMs: positiveInt('QUIRE_AGENT_POLL_INTERVAL_MS', env.QUIRE_AGENT_POLL_INTERVAL_MS, 2_000),
    uploadTimeoutMs: positiveInt('QUIRE_AGENT_UPLOAD_TIMEOUT_MS', env.QUIRE_AGENT_UPLOAD_TIMEOUT_MS, 300_000),
    retryBaseMs: positiveInt('QUIRE_AGENT_RETRY_BASE_MS', env.QUIRE_AGENT_RETRY_BASE_MS, 1_000),
    retryMaxMs: positiveInt('QUIRE_AGENT_RETRY_MAX_MS', env.QUIRE_AGENT_RETRY_MAX_MS, 60_000),
    maxRetryAfterMs: positiveInt('QUIRE_AGENT_MAX_RETRY_AFTER_MS', env.QUIRE_AGENT_MAX_RETRY_AFTER_MS, 600_000),
    keepaliveMs: keepaliveMs(env),
    openDocument: !flags.noOpen,
    notify: !['0', 'false', 'no'].includes((env.QUIRE_AGENT_NOTIFY ?? '').toLowerCase()),
  };
}

/** Environment for child processes (the converter, the OS opener): the agent's own, unchanged. */
export function childEnv(): NodeJS.ProcessEnv {
  return process.env;
}

/** XDG base folders for per-user .desktop files (unset: the spec's defaults under the home folder). */
export function xdgHomes(env: Env = process.env): { dataHome?: string; configHome?: string } {
  return { dataHome: env.XDG_DATA_HOME || undefined, configHome: env.XDG_CONFIG_HOME || undefined };
}
