import type { Config } from 'jest';

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleNameMapper: { '^@quire/(.*)$': '<rootDir>/libs/$1/src/index.ts' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  rootDir: __dirname,
};

/**
 * unit: *.spec.ts, no services. medium: *.medium-spec.ts, a service's use cases against its real
 * repositories on a database cloned from a migrated template (and S3), no app processes.
 * integration: *.int-spec.ts and *.e2e-spec.ts against the real
 * Postgres, NATS and an S3-compatible server (started once per run by the global setup).
 */
const config: Config = {
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test,bench}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'medium',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.medium-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/medium-global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/medium-global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.{int,e2e}-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
    },
  ],
};

export default config;
