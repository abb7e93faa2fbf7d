/**
 * PEP 752 namespaces at build time: a repository of the organisation in a namespace reserves its
 * project name before its first release (`build --check-upstream` names it when the upstream
 * already holds it), and a claimed glob that is exactly `<prefix>-*` is named as the namespace it
 * spells. The real command against the GitHub emulator and a plain upstream folder.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { cliPath, demoDists, repoRoot, tempDir } from "./helpers/paths.js";
import { makeWheel } from "./helpers/python-dists.js";
import { run, type RunResult } from "./helpers/python.js";
import { startUpstreamIndex, writeUpstreamFolder, type UpstreamIndex } from "./helpers/upstream-index.js";

const cli = (args: string[]): Promise<RunResult> => run(process.execPath, [cliPath, ...args], { cwd: repoRoot });
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function settingsFile(label: string, text: string): string {
  const file = join(tempDir(label), "index.yaml");
  writeFileSync(file, text);
  return file;
}

describe("a repository in a namespace reserves its name before its first release", () => {
  let emu: GitHubEmulator;
  let upstream: UpstreamIndex;

  before(async () => {
    emu = await GitHubEmulator.start();
    const app = makeWheel({ name: "acme-app", version: "1.0.0" });
    emu.setOrg("acme", [
      { name: "acme-app", releases: [{ tag: "v1.0.0", assets: [{ name: app.filename, bytes: app.bytes }] }] },
      // No release yet: only its name says which project it will publish.
      { name: "Acme_Billing" },
      // Outside the namespace, though the upstream holds its name too.
      { name: "widgets" },
    ]);
    const squatted = (name: string, version: string) => [makeWheel({ name, version })];
    upstream = await startUpstreamIndex(writeUpstreamFolder({ "acme-app": squatted("acme-app", "2.0.0"), "acme-billing": squatted("acme-billing", "9.1.0"), widgets: squatted("widgets", "3.0.0") }));
  });
  after(async () => {
    upstream?.close();
    await emu?.close();
  });

  const build = (label: string, settings: string, extra: string[] = []): Promise<RunResult> =>
    cli([
      "build",
      "--github-org",
      "acme",
      "--no-tags",
      "--files",
      "mirror",
      "--github-api-url",
      emu.apiUrl,
      "--config",
      settingsFile(label, settings),
      "--cache-dir",
      tempDir(`${label}-cache`),
      "--out",
      join(tempDir(`${label}-out`), "site"),
      "--quiet",
      ...extra,
    ]);

  test("build --check-upstream names the reserved name the upstream holds, with the repository and its namespace; a repository outside every namespace is not asked about", async () => {
    const r = await build("reserved", `upstream:\n  url: ${upstream.url}\nnamespaces: [acme]\n`, ["--check-upstream"]);
    assert.equal(r.code, 0, r.stderr);
    const notices = r.stderr.split("\n").filter((l) => l.startsWith("notice: "));
    const billing = notices.filter((l) => l.includes("acme-billing"));
    assert.equal(billing.length, 1, notices.join("\n"));
    assert.match(billing[0] ?? "", /reserved/);
    assert.match(billing[0] ?? "", /acme\/Acme_Billing/);
    assert.match(billing[0] ?? "", /namespace acme\b/);
    assert.match(billing[0] ?? "", /highest 9\.1\.0/);
    // The project the index holds is still listed as before, and not as reserved.
    const app = notices.filter((l) => l.startsWith(`notice: acme-app is also on ${upstream.url}`));
    assert.equal(app.length, 1, notices.join("\n"));
    assert.doesNotMatch(app[0] ?? "", /reserved/);
    assert.match(r.stderr, new RegExp(`^notice: 2 of 2 names are also on ${escape(upstream.url)}`, "m"));
    assert.ok(!notices.some((l) => l.includes("widgets")), notices.join("\n"));
    await upstream.settle();
    assert.ok(upstream.requests.some((q) => q.path === "/simple/acme-billing/"));
    assert.ok(!upstream.requests.some((q) => q.path.includes("widgets")), "a name outside every namespace reserves nothing");

    // Without the namespace, the repository with no release reserves nothing.
    const plain = await build("unreserved", `upstream:\n  url: ${upstream.url}\n`, ["--check-upstream"]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.doesNotMatch(plain.stderr, /billing/i);
    assert.match(plain.stderr, new RegExp(`^notice: 1 of 1 name is also on ${escape(upstream.url)}`, "m"));
  });
});

describe("a claimed glob that is a namespace in the older spelling", () => {
  /** Nothing listens there: these builds never ask the upstream. */
  const UPSTREAM = "http://127.0.0.1:9/simple/";
  const build = (label: string, settings: string): Promise<RunResult> =>
    cli(["build", "--from", demoDists, "--config", settingsFile(label, settings), "--out", join(tempDir(`${label}-out`), "site"), "--quiet"]);

  test("`acme-*` is named as the namespace acme, once; `acme-?x*` and an exact name are not", async () => {
    const r = await build("claimed-glob", `upstream:\n  url: ${UPSTREAM}\n  claimed: ["acme-*", "acme-?x*", "demo-core", "Tools_*"]\n`);
    assert.equal(r.code, 0, r.stderr);
    const notices = r.stderr.split("\n").filter((l) => l.startsWith("notice: ") && l.includes("upstream.claimed"));
    assert.equal(notices.length, 2, r.stderr);
    const acme = notices.find((l) => l.includes('"acme-*"'));
    assert.match(acme ?? "", /PEP 752 namespace "acme"/);
    assert.match(acme ?? "", /namespaces: \[acme\]/);
    // The glob's prefix is normalised as project names are.
    assert.match(notices.find((l) => l.includes('"Tools_*"')) ?? "", /namespace "tools"/);
    assert.ok(!r.stderr.includes("acme-?x*"), r.stderr);
    assert.ok(!r.stderr.includes('"demo-core"'), r.stderr);
  });

  test("a glob a granted namespace already covers is named as one that can go", async () => {
    const r = await build("claimed-granted", `upstream:\n  url: ${UPSTREAM}\n  claimed: ["acme-tools-*"]\nnamespaces: [acme]\n`);
    assert.equal(r.code, 0, r.stderr);
    const notices = r.stderr.split("\n").filter((l) => l.startsWith("notice: ") && l.includes("upstream.claimed"));
    assert.equal(notices.length, 1, r.stderr);
    assert.match(notices[0] ?? "", /"acme-tools-\*"/);
    assert.match(notices[0] ?? "", /namespaces: \[acme\] already covers/);
  });
});
