/**
 * PEP 440 order, equality and normalisation against Python's `packaging`, on generated versions
 * whose numbers are far beyond a double's 2^53 (where a float comparison calls different versions
 * equal), with every pre, post, dev and local form and their alternate spellings.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { isValidSpecifierSet } from "../generator/names/specifier.js";
import { compareVersions, isPreRelease, normalizeVersion } from "../generator/names/version.js";
import { repoRoot } from "./helpers/paths.js";
import { clientEnv } from "./helpers/python.js";

/** A small seeded generator (mulberry32), so a failure names a version that comes back on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BIG = ["9007199254740992", "9007199254740993", "9007199254740993000", "18446744073709551616", "123456789012345678901234567890", "00042", "0"];

function generate(count: number, seed: number): string[] {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const num = (): string => (r() < 0.35 ? pick(BIG) : String(Math.floor(r() * 4)));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let v = r() < 0.1 ? `${num()}!` : "";
    v += Array.from({ length: 1 + Math.floor(r() * 4) }, num).join(".");
    if (r() < 0.3) v += `${pick(["a", "alpha", "b", "beta", "c", "rc", "pre", "preview", "-a", ".b", "_rc"])}${r() < 0.8 ? num() : ""}`;
    if (r() < 0.25) v += r() < 0.3 ? `-${num()}` : `${pick([".post", "post", "-rev", "r", "_post"])}${r() < 0.8 ? num() : ""}`;
    if (r() < 0.25) v += `${pick([".dev", "dev", "-dev"])}${r() < 0.8 ? num() : ""}`;
    if (r() < 0.2) v += `+${Array.from({ length: 1 + Math.floor(r() * 3) }, () => (r() < 0.5 ? num() : pick(["ubuntu", "abc", "Z", "cpu"]))).join(pick([".", "-", "_"]))}`;
    out.push(r() < 0.05 ? `v${v}` : v);
  }
  return out;
}

interface Oracle {
  order: number[];
  equal_to_next: boolean[];
  normalized: string[];
  prerelease: boolean[];
}

test("order, equality, normalisation and pre-release agree with packaging on 4,000 generated versions with long numbers", () => {
  // The pairs the float comparison got wrong, then generated ones.
  const versions = ["1.0.9007199254740993", "1.0.9007199254740992", "1.0", "1.0.0", "1.0.0.0+local", ...generate(4000, 792)];
  const py = spawnSync("python3", [join(repoRoot, "test/oracle/order_versions.py")], { input: versions.join("\n"), encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: clientEnv() });
  assert.equal(py.status, 0, py.stderr);
  const oracle = JSON.parse(py.stdout) as Oracle;

  const normalised = versions.map((v) => normalizeVersion(v));
  const normalDiffers = versions.flatMap((v, i) => (normalised[i] === oracle.normalized[i] ? [] : [`${v}: ${normalised[i]} vs ${oracle.normalized[i]}`]));
  assert.deepEqual(normalDiffers, []);

  // Both sorts are stable, so the same input order gives the same index sequence.
  const order = versions.map((_, i) => i).sort((a, b) => compareVersions(versions[a] as string, versions[b] as string));
  const firstDiff = order.findIndex((v, i) => v !== oracle.order[i]);
  assert.equal(firstDiff, -1, firstDiff < 0 ? "" : `at ${firstDiff}: ours ${versions[order[firstDiff] as number]}, packaging ${versions[oracle.order[firstDiff] as number]}`);
  const equal = order.slice(1).map((b, i) => compareVersions(versions[order[i] as number] as string, versions[b] as string) === 0);
  assert.deepEqual(equal, oracle.equal_to_next);
  assert.ok(oracle.equal_to_next.some((e) => e) && oracle.equal_to_next.some((e) => !e), "the sample has both equal and different neighbours");

  assert.deepEqual(versions.map(isPreRelease), oracle.prerelease);
  // The normalised form orders as the raw one does (the index compares normalised versions).
  assert.equal(compareVersions("1.0.9007199254740993", "1.0.9007199254740992"), 1);
  assert.equal(compareVersions(normalised[2] as string, normalised[3] as string), 0);
});

test("a Requires-Python is valid exactly when packaging's SpecifierSet accepts it (a trailing comma included)", () => {
  const fixed = [
    ">=3.8",
    ">=3.8,",
    ",>=3.8",
    "",
    ">=3.8,,<4",
    " >= 3.8 , <4 ,",
    "~=3",
    "==3.*",
    ">=3.8a",
    "=>3",
    ">3.8.*",
    "==3.8.*,!=3.8.1",
    "~=3.8.0.post1",
    "<=3.9.dev0",
    "===foo",
    "!=3.*",
    ">=1.0+local",
    "== 1.0+local",
    ">=3.8;",
    "3.8",
    "==3.8a1.*",
    "!=3.8.post1.*",
    "===1.0+abc.*",
    "===3.8.dev1.*",
    "\ufeff>=3.8",
    ">=3.8\x85",
    "~=1.0+local",
    "=== ",
    ">= v3.8",
    "==1!2.*",
  ];
  // Generated: every operator with versions of every shape, wildcards, locals and Python's whitespace around them.
  const r = random(440);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const generated = generate(600, 441).map((v) => {
    const op = pick(["==", "!=", "~=", "<=", ">=", "<", ">", "===", "=", "=>"]);
    const tail = r() < 0.2 ? ".*" : "";
    const space = (): string => pick(["", "", " ", "\t", "\x85", "\u3000", "\ufeff"]);
    return `${space()}${op}${space()}${v}${tail}${space()}${r() < 0.2 ? "," : ""}`;
  });
  const specs = [...fixed, ...generated];
  const script = [
    "import sys, json",
    "from packaging.specifiers import SpecifierSet, InvalidSpecifier",
    "def ok(s):",
    "    try:",
    "        SpecifierSet(s)",
    "        return True",
    "    except InvalidSpecifier:",
    "        return False",
    "print(json.dumps([ok(s) for s in json.load(sys.stdin)]))",
  ].join("\n");
  const py = spawnSync("python3", ["-c", script], { input: JSON.stringify(specs), encoding: "utf8", env: clientEnv() });
  assert.equal(py.status, 0, py.stderr);
  const oracle = JSON.parse(py.stdout) as boolean[];
  assert.ok(oracle.filter(Boolean).length > 100 && oracle.filter((x) => !x).length > 100, "the sample holds both verdicts");
  assert.deepEqual(Object.fromEntries(specs.map((s) => [s, isValidSpecifierSet(s)])), Object.fromEntries(specs.map((s, i) => [s, oracle[i]])));
});
