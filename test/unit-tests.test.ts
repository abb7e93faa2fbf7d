/**
 * The unit list (test/unit-tests.ts) stays true: each file on it exists, and neither it nor the
 * test modules it reaches import what the suite starts Python, client venvs, browsers, emulators,
 * moto and servers with (child processes, sockets, a browser), nor a module of ours that serves.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { repoRoot } from "./helpers/paths.js";
import { UNIT_TESTS } from "./unit-tests.js";

/** Packages and built-in modules that start or reach another process, a socket or a browser. */
const OUT_OF_PROCESS = [/^node:child_process$/, /^node:https?$/, /^node:net$/, /^node:dgram$/, /^playwright-core$/, /^@grpc\//, /^@aws-sdk\//];
/** Of those, what a module of ours imports when it serves or spawns (a pure one may use node:net's address parsing). */
const SERVES = [/^node:child_process$/, /^node:https?$/];

const rel = (path: string): string => relative(repoRoot, path).split("\\").join("/");

/** What `path` imports: the repository's modules (as paths) and the packages (as written). */
function importsOf(path: string): { modules: string[]; packages: string[] } {
  const modules: string[] = [];
  const packages: string[] = [];
  for (const { fileName } of ts.preProcessFile(readFileSync(path, "utf8"), true, true).importedFiles) {
    if (!fileName.startsWith(".")) packages.push(fileName);
    else modules.push(join(dirname(path), fileName).replace(/\.js$/, ".ts"));
  }
  return { modules: modules.filter((m) => existsSync(m)), packages };
}

/** Why `file` is no unit test: each import that reaches out of the process, as `module -> import`. */
function outOfProcess(file: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const todo = [join(repoRoot, file)];
  for (let path = todo.pop(); path !== undefined; path = todo.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    const { modules, packages } = importsOf(path);
    for (const p of packages) if (OUT_OF_PROCESS.some((r) => r.test(p))) found.push(`${rel(path)} -> ${p}`);
    for (const m of modules) {
      // The test's own modules are followed; of ours, only whether the test calls on one that serves or spawns.
      if (rel(m).startsWith("test/")) todo.push(m);
      else if (importsOf(m).packages.some((p) => SERVES.some((r) => r.test(p)))) found.push(`${rel(path)} -> ${rel(m)}`);
    }
  }
  return found.sort();
}

test("every file on the unit list is a test file of the suite, listed once", () => {
  const suite = new Set(
    readdirSync(join(repoRoot, "test"))
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => `test/${f}`),
  );
  assert.deepEqual(
    UNIT_TESTS.filter((f) => !suite.has(f)),
    [],
    "listed but not in the suite",
  );
  assert.equal(new Set(UNIT_TESTS).size, UNIT_TESTS.length, "listed twice");
});

test("no unit test reaches out of its process: no Python, client venv, browser, emulator, moto or server", () => {
  const offenders = UNIT_TESTS.flatMap((file) => outOfProcess(file).map((why) => `${file}: ${why}`));
  assert.deepEqual(offenders, []);
});

test("the check tells the rest of the suite apart: the client venvs' helper fails it, and tests off the list do", () => {
  assert.notDeepEqual(outOfProcess("test/helpers/client-venvs.ts"), []);
  const others = readdirSync(join(repoRoot, "test"))
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => `test/${f}`)
    .filter((f) => !UNIT_TESTS.includes(f));
  assert.ok(others.filter((f) => outOfProcess(f).length > 0).length > others.length / 2, "most tests off the list reach out of their process");
});
