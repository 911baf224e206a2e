'use strict';
// One runner for everything: unit specs sit beside the source, e2e specs under test/e2e run
// against a listening app and a real database (SQLite by default, MySQL with DATABASE_URL).
const moduleNameMapper = {
  '^@app/(core|dal|auth|crypto|mcp-probe|health-checker|events)$': '<rootDir>/libs/$1/src',
  '^@app/(core|dal|auth|crypto|mcp-probe|health-checker|events)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj|cj)s$': '<rootDir>/test/jest-transform.js' },
  transformIgnorePatterns: [],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
    },
    {
      // Faults: a database that hangs or dies, SIGTERM under load, races, key rollouts, killed
      // checkers. Real processes and a TCP proxy in front of the database (test/support).
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
    },
  ],
};
