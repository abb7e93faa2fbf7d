/**
 * `npm test`: builds dist/, then runs `tsc --noEmit` and the linter (ESLint, then `prettier
 * --check`) beside the test files (three files at a time, spec reporter). The tests run with TMPDIR
 * set to a fresh empty folder, and the run fails, naming them, if anything is left in it
 * afterwards: a test run leaves nothing behind. Files given as arguments
 * (`npm test -- test/serve.test.ts test/cli.test.ts`) replace the full list.
 * `--unit` (`npm run test:unit`) runs the unit list (test/unit-tests.ts) beside the typecheck only:
 * no build, no client venvs, no linter.
 * The exit code is the tests', else the typecheck's, else the linter's, else 1 for leftovers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { constants, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UNIT_TESTS } from "../test/unit-tests.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const children = new Set<ChildProcess>();
let interrupted = false;

/** Runs a command with the terminal's output and resolves with its exit code (128 + n for a signal, as a shell reports it). */
function exitCode(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: "inherit" });
    children.add(child);
    child.on("error", (e) => {
      console.error(`${args.join(" ")}: ${e.message}`);
      resolve(1);
    });
    child.on("close", (code, signal) => {
      children.delete(child);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

/**
 * What is in `dir`: each entry, a folder with how many files it holds. tsx keeps its transpile
 * cache in TMPDIR (`tsx-<uid>`) by design: that is the runner's, removed with the folder, not a test's.
 */
function leftoversIn(dir: string): string[] {
  const tsxCache = `tsx-${process.geteuid?.() ?? userInfo().username}`;
  return (
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.name !== tsxCache)
      // A folder's first names say which test made it (tempDir's prefixes).
      .map((e) => (e.isDirectory() ? `${e.name}/ (${readdirSync(join(dir, e.name), { recursive: true }).length} entries: ${readdirSync(join(dir, e.name)).slice(0, 5).join(", ")})` : e.name))
      .sort()
  );
}

// Ctrl+C reaches the children too; a termination sent to this process alone is passed on. Either
// way the run stops, its folder is removed, and leftovers of killed tests are not reported.
process.on("SIGINT", () => (interrupted = true));
process.on("SIGTERM", () => {
  interrupted = true;
  for (const child of children) child.kill("SIGTERM");
});

/** ESLint, then Prettier's check even when ESLint fails (so one run shows both): the first failure's code. */
async function lint(env: NodeJS.ProcessEnv): Promise<number> {
  const eslint = await exitCode([join(root, "node_modules/eslint/bin/eslint.js"), "."], env);
  const prettier = await exitCode([join(root, "node_modules/prettier/bin/prettier.cjs"), "--check", ".", "--log-level", "warn"], env);
  if (prettier !== 0) console.error("`npm run format` rewrites the files Prettier names above.");
  return eslint || prettier;
}

const unit = process.argv.includes("--unit");
const named = process.argv.slice(2).filter((a) => a !== "--unit");

// Said first, so a log shows which Node ran the suite (`.ci/run` gives it the floor's when the machine's is outside engines.node).
console.log(`Node ${process.version} (${process.execPath}) runs the ${unit ? "unit " : ""}tests`);
// The unit tests import the sources, never dist/.
const built = unit ? 0 : await exitCode(["--import", "tsx", "scripts/build-cli.ts"]);
if (built !== 0) process.exit(built);

// The client matrix's clients, installed from PyPI at their pinned versions and hashes into
// .cache/clients once (later runs find them there): before the tests, two at a time, so that test
// files do not wait on each other's installs. A client that cannot be installed fails its tests.
// The unit tests need neither the clients nor the sdist below.
if (!unit) {
  const { prepareAllClients } = await import("../test/helpers/client-venvs.js");
  const started = Date.now();
  const failures = await prepareAllClients((line) => console.log(line));
  for (const f of failures) console.error(`A client or tool could not be installed; its tests will fail:\n${f}`);
  console.log(`Clients and tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // Stopped while installing: the installs were let finish (a half-made venv is never marked ready), the tests do not start.
  if (interrupted) process.exit(130);
  // The real sdist the provenance tests verify attestations against, downloaded once into .cache/dists
  // and checked against the digest its attestation signs. Without it the run fails: nothing is skipped.
  const { attestedDist } = await import("../test/helpers/attested-dist.js");
  const fetched = Date.now();
  const dist = await attestedDist().catch((e: Error) => {
    console.error(`The attested sdist could not be fetched; the run stops:\n${e.message}`);
    process.exit(1);
  });
  console.log(`Attested sdist ${dist} ready in ${((Date.now() - fetched) / 1000).toFixed(1)} s`);
  if (interrupted) process.exit(130);
}

const files = unit
  ? [...UNIT_TESTS]
  : named.length > 0
    ? named
    : readdirSync(join(root, "test"))
        .filter((f) => f.endsWith(".test.ts"))
        .sort()
        .map((f) => `test/${f}`);
const suiteTmp = mkdtempSync(join(tmpdir(), "github-pypi-suite-"));
// Tests that write many files put them in memory (/dev/shm), outside TMPDIR: what they leave there is counted too.
const SHM = "/dev/shm";
const inMemory = (): Set<string> => new Set(existsSync(SHM) ? readdirSync(SHM).filter((n) => n.startsWith("github-pypi-")) : []);
const inMemoryBefore = inMemory();
// Node 22's compile cache (which tsx and tsc switch on) would default to TMPDIR: it is the
// runtime's, kept between runs in the checkout's own cache folder.
const compileCache = { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(root, ".cache", "node-compile-cache") };
const env = { ...process.env, ...compileCache, TMPDIR: suiteTmp };
console.log(`TMPDIR for this run: ${suiteTmp}`);

const [tests, typecheck, linted] = await Promise.all([
  exitCode(["--import", "tsx", "--test", "--test-concurrency=3", "--test-reporter=spec", ...files], env),
  // Not tests: their TMPDIR is the machine's.
  exitCode([join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.json"], { ...process.env, ...compileCache }),
  unit ? 0 : lint({ ...process.env, ...compileCache }),
]);

const leftovers = [...leftoversIn(suiteTmp), ...[...inMemory()].filter((n) => !inMemoryBefore.has(n)).map((n) => join(SHM, n))];
rmSync(suiteTmp, { recursive: true, force: true });
if (interrupted) process.exit(tests || typecheck || linted || 130);
if (leftovers.length > 0) {
  console.error(`\nThe tests left ${leftovers.length} entries behind, in their temporary folder ${suiteTmp} (now removed) or in ${SHM}:`);
  for (const entry of leftovers) console.error(`  ${entry}`);
}
process.exit(tests || typecheck || linted || (leftovers.length > 0 ? 1 : 0));
