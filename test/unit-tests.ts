/**
 * The test files `npm run test:unit` runs: the ones that test the project's modules in the test's
 * own process, with no Python, client venv, browser, emulator, moto or server, so they need
 * nothing installed beyond `npm ci` and run in seconds. test/unit-tests.test.ts holds each to that
 * by what it imports; the full `npm test` runs them too.
 */
export const UNIT_TESTS: readonly string[] = [
  "test/access-gate.test.ts",
  "test/catalog.test.ts",
  "test/docs.test.ts",
  "test/edge-function.test.ts",
  "test/filename.test.ts",
  "test/folder-abort.test.ts",
  "test/github-tags.test.ts",
  "test/import-graph.test.ts",
  "test/interrupt.test.ts",
  "test/large-list.test.ts",
  "test/plural.test.ts",
  "test/project-files.test.ts",
  "test/provenance-bundles.test.ts",
  "test/pulumi-private-cdn.test.ts",
  "test/python-support.test.ts",
  "test/reference-docs.test.ts",
  "test/router.test.ts",
  "test/unit-tests.test.ts",
];
