/**
 * parseFilename against Python's `packaging` over 71,408 real PyPI file names.
 * The data is a compressed copy in test/fixtures/pypi-filenames/ (its README says
 * where it comes from): the test needs nothing outside the checkout, and a missing
 * file fails it, because a skipped oracle would silently stop guarding the parser.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

import { parseFilename, type FilenameResult } from "../generator/names/filename.js";
import { clientEnv } from "./helpers/python.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DATA = path.resolve(repoRoot, "test/fixtures/pypi-filenames/pypi-filenames-71k.txt.gz");
const ORACLE = path.resolve(repoRoot, "test/oracle/parse_filenames.py");

/** File names where we knowingly differ from packaging, each with the reason. */
const DELIBERATE_DISAGREEMENTS: ReadonlyMap<string, string> = new Map([
  ["-20160920.193125.zip", 'empty name: packaging returns project "", which would put the file at the root of /simple/; we report it invalid'],
]);

interface OracleRow {
  filename: string;
  ok: boolean;
  name: string | null;
  version: string | null;
  kind: "wheel" | "sdist" | null;
}

function outcome(r: FilenameResult): string {
  return r.ok ? r.value.kind : r.problem;
}

function describe(r: FilenameResult): string {
  return r.ok ? `ok ${r.value.project} ${r.value.version} (${r.value.kind})` : `${r.problem}: ${r.reason}`;
}

test("parseFilename agrees with packaging on 71k real PyPI file names", (t) => {
  if (!existsSync(DATA)) {
    assert.fail(`oracle data missing: ${DATA} (the 71k PyPI file-name list is part of the repository; this test must not be skipped)`);
  }
  const text = gunzipSync(readFileSync(DATA)).toString("utf8");
  const names = text.split("\n");
  if (names[names.length - 1] === "") names.pop();
  assert.ok(names.length > 0, `${DATA} is empty`);

  const py = spawnSync("python3", [ORACLE], { input: text, encoding: "utf8", maxBuffer: 512 * 1024 * 1024, env: clientEnv() });
  assert.equal(py.error, undefined, `could not run python3: ${py.error?.message}`);
  assert.equal(py.status, 0, `oracle failed (is packaging installed?):\n${py.stderr}`);
  const rows = py.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as OracleRow);
  assert.equal(rows.length, names.length, "oracle returned a different number of rows than names given");

  const t0 = performance.now();
  const results = names.map(parseFilename);
  const elapsed = performance.now() - t0;

  const byOutcome = new Map<string, number>();
  let compared = 0;
  let agreedOk = 0;
  let agreedNotOk = 0;
  let oracleOk = 0;
  const deliberateSeen = new Set<string>();
  const disagreements: string[] = [];

  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const row = rows[i]!;
    const ours = results[i]!;
    assert.equal(row.filename, name, `oracle row ${i} is out of step`);
    const o = outcome(ours);
    byOutcome.set(o, (byOutcome.get(o) ?? 0) + 1);
    if (row.kind === null) continue;

    compared++;
    if (row.ok) oracleOk++;
    const agrees = ours.ok ? row.ok && ours.value.kind === row.kind && ours.value.project === row.name && ours.value.version === row.version : !row.ok;
    if (DELIBERATE_DISAGREEMENTS.has(name)) {
      deliberateSeen.add(name);
      assert.ok(!agrees, `${name} is listed as a deliberate disagreement but now agrees with packaging; remove it`);
      continue;
    }
    if (!agrees) {
      const theirs = row.ok ? `ok ${row.name} ${row.version} (${row.kind})` : "rejected";
      disagreements.push(`${JSON.stringify(name)}: packaging ${theirs}; ours ${describe(ours)}`);
    } else if (row.ok) agreedOk++;
    else agreedNotOk++;
  }

  const summary = [...byOutcome].map(([k, n]) => `${k}=${n}`).join(" ");
  t.diagnostic(`${names.length} names parsed in ${elapsed.toFixed(1)} ms; outcomes: ${summary}`);
  t.diagnostic(
    `compared with packaging (.whl/.tar.gz/.zip): ${compared}; agree ${agreedOk + agreedNotOk} ` +
      `(both ok ${agreedOk}, both reject ${agreedNotOk}); deliberate ${deliberateSeen.size}; disagree ${disagreements.length}`,
  );

  assert.deepEqual(disagreements.slice(0, 50), [], `${disagreements.length} disagreement(s) with packaging (first 50 shown)`);
  const stale = [...DELIBERATE_DISAGREEMENTS.keys()].filter((n) => !deliberateSeen.has(n));
  assert.deepEqual(stale, [], "deliberate disagreements not found in the data");

  // Outcome counts, derived from the oracle rather than hard-coded.
  const ourOk = results.filter((r) => r.ok).length;
  const ourOkCompared = results.filter((r, i) => r.ok && rows[i]!.kind !== null).length;
  assert.equal(ourOkCompared, oracleOk - deliberateSeen.size, "ok count on packaging's forms");
  assert.ok(ourOk >= ourOkCompared, "eggs and other archives only add to the ok count");
  assert.ok(oracleOk > compared * 0.9, `packaging accepts only ${oracleOk} of ${compared}: data or oracle broken?`);
  assert.ok(ourOk > names.length * 0.8, `only ${ourOk} of ${names.length} names parsed`);
});
