import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { writeWordAgentPackage } = require(path.join(REPO_ROOT, 'scripts/lib/word-agent-package.js')) as {
  writeWordAgentPackage: (root: string, dist: string) => void;
};

interface FakePackage {
  version: string;
  dependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  files?: Record<string, string>;
}

/**
 * scripts/lib/word-agent-package.js on a small made-up repo: what it bundles and lays out, and the
 * packages and requires it refuses so that a tarball never needs a registry (ADR 007).
 */
describe('the Word agent package build', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function repo(options: { agentDependencies: string[]; pinned: Record<string, string>; installed: Record<string, FakePackage>; agentCode: string }): void {
    root = mkdtempSync(path.join(os.tmpdir(), 'word-agent-build-'));
    const write = (file: string, content: string) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), content);
    };
    write('package.json', JSON.stringify({ version: '1.2.3', engines: { node: '>=20.19' }, dependencies: options.pinned }));
    write('apps/word-agent/package.dist.json', JSON.stringify({ name: 'quire-word-agent', bin: { 'quire-word-agent': 'src/main.js' }, dependencies: options.agentDependencies }));
    write('dist/apps/word-agent/src/main.js', options.agentCode);
    for (const [location, { files = {}, ...manifest }] of Object.entries(options.installed)) {
      const name = location.split('node_modules/').pop()!;
      write(`${location}/package.json`, JSON.stringify({ name, ...manifest }));
      write(`${location}/index.js`, 'module.exports = {};\n');
      for (const [file, content] of Object.entries(files)) write(`${location}/${file}`, content);
    }
  }
  const build = () => writeWordAgentPackage(root, path.join(root, 'dist'));
  const bundled = (file: string) => path.join(root, 'dist/apps/word-agent/node_modules', file);
  const versionAt = (location: string) => (JSON.parse(readFileSync(bundled(`${location}/package.json`), 'utf8')) as { version: string }).version;

  it('bundles each dependency with what it needs, a second version nested where Node finds it, all declared bundled', () => {
    repo({
      agentDependencies: ['alpha', 'beta'],
      pinned: { alpha: '1.0.0', beta: '1.0.0' },
      installed: {
        'node_modules/alpha': { version: '1.0.0', dependencies: { gamma: '^1.0.0' } },
        'node_modules/beta': { version: '1.0.0', dependencies: { gamma: '^2.0.0' } },
        'node_modules/gamma': { version: '1.0.0' },
        'node_modules/beta/node_modules/gamma': { version: '2.0.0' },
      },
      agentCode: 'require("alpha"); require("beta/sub"); require("node:fs"); require("path"); require("./local");\n',
    });
    build();
    const manifest = JSON.parse(readFileSync(path.join(root, 'dist/apps/word-agent/package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ version: '1.2.3', dependencies: { alpha: '1.0.0', beta: '1.0.0' }, bundleDependencies: ['alpha', 'beta'] });
    expect([versionAt('alpha'), versionAt('beta'), versionAt('gamma'), versionAt('beta/node_modules/gamma')]).toEqual(['1.0.0', '1.0.0', '1.0.0', '2.0.0']);
  });

  it('refuses a package with a native addon', () => {
    repo({
      agentDependencies: ['alpha'],
      pinned: { alpha: '1.0.0' },
      installed: { 'node_modules/alpha': { version: '1.0.0', files: { 'build/Release/alpha.node': 'ELF' } } },
      agentCode: 'require("alpha");\n',
    });
    expect(build).toThrow('the Word agent bundles alpha, which is native (build/Release/alpha.node)');
  });

  it('refuses a dependency of a dependency that runs an install script', () => {
    repo({
      agentDependencies: ['alpha'],
      pinned: { alpha: '1.0.0' },
      installed: {
        'node_modules/alpha': { version: '1.0.0', dependencies: { gamma: '1.0.0' } },
        'node_modules/gamma': { version: '1.0.0', scripts: { postinstall: 'node download.js' } },
      },
      agentCode: 'require("alpha");\n',
    });
    expect(build).toThrow('the Word agent bundles gamma, which has install scripts (postinstall)');
  });

  it('refuses agent code that requires a package the tarball would not carry', () => {
    repo({
      agentDependencies: [],
      pinned: { alpha: '1.0.0' },
      installed: { 'node_modules/alpha': { version: '1.0.0' } },
      agentCode: 'const { x } = require("@scope/alpha/deep");\n',
    });
    expect(build).toThrow('apps/word-agent requires @scope/alpha (main.js), which its package does not carry');
  });

  it('refuses a dependency the root package.json does not pin at the installed version', () => {
    repo({
      agentDependencies: ['alpha'],
      pinned: { alpha: '2.0.0' },
      installed: { 'node_modules/alpha': { version: '1.0.0' } },
      agentCode: 'require("alpha");\n',
    });
    expect(build).toThrow('the Word agent bundles alpha: pin it in the root package.json dependencies');
  });
});
