/** Jest: ts-jest in transpile-only mode; `npm run typecheck` does the type checking once for the whole tree. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 20000,
  // Deep-scans every CDS Hooks response the suites produce for null and empty values (CDS Hooks § Use of JSON).
  setupFilesAfterEnv: ['<rootDir>/test/support/scan-responses.ts'],
};
