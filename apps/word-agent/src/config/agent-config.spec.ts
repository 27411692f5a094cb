import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, defaultStateDir, loadSettings } from './agent-config';

describe('loadSettings', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'word-agent-config-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('uses the XDG state folder, or LOCALAPPDATA on Windows', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/x/state' }, 'linux')).toBe('/x/state/quire-word-agent');
    expect(defaultStateDir({}, 'linux')).toBe(path.join(os.homedir(), '.local', 'state', 'quire-word-agent'));
    expect(defaultStateDir({ LOCALAPPDATA: 'C:\\Users\\d\\AppData\\Local' }, 'win32')).toContain('quire-word-agent');
  });

  it('takes flags over env over the config file', async () => {
    const file = path.join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ serverUrl: 'https://file.example/', converter: 'cold' }));
    const env = { QUIRE_AGENT_CONFIG: file, XDG_STATE_HOME: dir };
    expect(loadSettings({}, env, 'linux')).toMatchObject({ serverUrl: 'https://file.example', converter: 'cold' });
    expect(loadSettings({}, { ...env, QUIRE_SERVER_URL: 'http://env.example:3000' }, 'linux').serverUrl).toBe('http://env.example:3000');
    expect(loadSettings({ server: 'http://flag.example' }, { ...env, QUIRE_SERVER_URL: 'http://env.example' }, 'linux').serverUrl).toBe(
      'http://flag.example',
    );
  });

  it('reads the keepalive interval in seconds (default 300), with a test-only milliseconds override', () => {
    const env = { QUIRE_AGENT_CONFIG: path.join(dir, 'none.json') };
    expect(loadSettings({}, env, 'linux').keepaliveMs).toBe(300_000);
    expect(loadSettings({}, { ...env, QUIRE_AGENT_KEEPALIVE_SECONDS: '60' }, 'linux').keepaliveMs).toBe(60_000);
    expect(loadSettings({}, { ...env, QUIRE_AGENT_KEEPALIVE_SECONDS: '60', QUIRE_AGENT_KEEPALIVE_MS: '250' }, 'linux').keepaliveMs).toBe(250);
    for (const bad of ['0', '-5', '1.5', 'often']) {
      expect(() => loadSettings({}, { ...env, QUIRE_AGENT_KEEPALIVE_SECONDS: bad }, 'linux')).toThrow(
        new ConfigError(`QUIRE_AGENT_KEEPALIVE_SECONDS must be a positive integer of seconds, got "${bad}"`),
      );
    }
  });

  it('names the bad variable', () => {
    const env = { QUIRE_AGENT_CONFIG: path.join(dir, 'none.json') };
    expect(() => loadSettings({}, { ...env, QUIRE_AGENT_STABLE_MS: 'soon' }, 'linux')).toThrow(/QUIRE_AGENT_STABLE_MS/);
    expect(() => loadSettings({}, { ...env, QUIRE_SERVER_URL: 'ftp://x' }, 'linux')).toThrow(ConfigError);
    expect(() => loadSettings({ converter: 'hot' }, env, 'linux')).toThrow(/warm, cold or auto/);
  });
});
