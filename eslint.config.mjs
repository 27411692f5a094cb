import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Architecture is enforced here: apps import libs only, libs never import apps, and each lib only
 * the libs below it. Every constraint names tags; none allows `*`.
 */
export const boundaries = {
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: [
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'scope:errors', onlyDependOnLibsWithTags: ['scope:errors'] },
    { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:contracts'] },
    // Shipped inside the Word agent's package too: it imports no other lib.
    { sourceTag: 'scope:office', onlyDependOnLibsWithTags: ['scope:office'] },
    { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:errors', 'scope:contracts'] },
    { sourceTag: 'scope:auth', onlyDependOnLibsWithTags: ['scope:errors', 'scope:contracts', 'scope:platform'] },
    {
      sourceTag: 'scope:testing',
      onlyDependOnLibsWithTags: ['scope:errors', 'scope:contracts', 'scope:platform', 'scope:auth'],
    },
    // The Word agent is installed alone on a desktop: its code imports no lib but `office`, which
    // its package carries (scripts/build.js; rule below); its tests may use the test harness.
    { sourceTag: 'scope:word-agent', onlyDependOnLibsWithTags: ['scope:office', 'scope:testing'] },
  ],
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'tmp/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read settings through the env classes (loadEnv), not process.env.',
        },
        {
          selector: "Decorator > CallExpression[callee.name='Type'] > ArrowFunctionExpression[body.name='Number']",
          message: "Number() reads 0x2, 2e0 and ' 2' as 2 and 1e30 as an integer: use @StrictInt() (libs/contracts/src/numbers.ts), ADR 017.",
        },
        {
          selector: "Decorator > CallExpression[callee.name='ValidateNested'][arguments.length=0]",
          message: 'A bare @ValidateNested() takes an array for the object: use @NestedObject() (libs/contracts/src/nested-object.ts), or @ValidateNested({ each: true }) for arrays.',
        },
      ],
    },
  },
  {
    files: ['libs/platform/src/config/**', 'libs/testing/**', 'apps/*/test/**', '**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/*/support/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['apps/word-agent/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@quire/*', '!@quire/office'], message: 'The Word agent ships alone: no @quire libs but @quire/office (bundled in its package).' }] },
      ],
    },
  },
  {
    files: ['apps/word-agent/src/config/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
