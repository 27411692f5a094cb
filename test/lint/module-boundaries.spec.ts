import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);

/** Lints source text as if it were the file at `filePath`; returns the rule ids that fired. */
function lint(filePath: string, source: string): string[] {
  const result = spawnSync(bin('eslint'), ['--format', 'json', '--stdin', '--stdin-filename', filePath], {
    cwd: root,
    input: source,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  const [report] = JSON.parse(result.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
  return report.messages.map((m) => m.ruleId ?? m.message);
}

describe('module boundaries (npm run lint)', () => {
  beforeAll(() => {
    // The Nx rule reads the cached project graph; make sure it exists, as `npm run lint` does.
    execFileSync(bin('nx'), ['show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
  }, 120_000);

  it('fails an app that imports another app', () => {
    const rules = lint(
      'apps/gateway/src/probe.ts',
      "import { IdentityModule } from '../../identity/src/identity.module';\nexport const probe = IdentityModule;\n",
    );
    expect(rules).toContain('@nx/enforce-module-boundaries');
  });

  it('fails a lib that imports an app', () => {
    const rules = lint('libs/platform/src/probe.ts', "import { GatewayEnv } from '../../../apps/gateway/src/gateway.env';\nexport const probe = GatewayEnv;\n");
    expect(rules).toContain('@nx/enforce-module-boundaries');
  });

  it('fails a low lib that imports a higher one (errors → platform)', () => {
    const rules = lint('libs/errors/src/probe.ts', "import { loadEnv } from '@quire/platform';\nexport const probe = loadEnv;\n");
    expect(rules).toContain('@nx/enforce-module-boundaries');
  });

  it('accepts an app importing libs through their aliases', () => {
    const rules = lint('apps/gateway/src/probe.ts', "import { DomainError } from '@quire/errors';\nexport const probe = DomainError;\n");
    expect(rules).toEqual([]);
  });

  it('keeps the Word agent free of Quire libs (it ships alone); its tests may use the harness', () => {
    const source = "import { DomainError } from '@quire/errors';\nexport const probe = DomainError;\n";
    expect(lint('apps/word-agent/src/probe.ts', source)).toEqual(expect.arrayContaining(['no-restricted-imports', '@nx/enforce-module-boundaries']));
    expect(lint('apps/word-agent/test/probe.ts', "import { waitFor } from '@quire/testing';\nexport const probe = waitFor;\n")).toEqual([]);
  });

  it('lets the Word agent import @quire/office alone (its package bundles it), and keeps that lib free of other libs', () => {
    expect(lint('apps/word-agent/src/probe.ts', "import { UNO_BRIDGE_SCRIPT } from '@quire/office';\nexport const probe = UNO_BRIDGE_SCRIPT;\n")).toEqual([]);
    expect(lint('libs/office/src/probe.ts', "import { DomainError } from '@quire/errors';\nexport const probe = DomainError;\n")).toContain(
      '@nx/enforce-module-boundaries',
    );
  });

  it('fails reading process.env outside the config classes', () => {
    const rules = lint('apps/file/src/probe.ts', 'export const probe = process.env.ANYTHING;\n');
    expect(rules).toContain('no-restricted-syntax');
  });
});
