import { test } from "node:test";
import assert from "node:assert/strict";
import { projectFromPyproject, projectFromSetupCfg, versionFromTag } from "../generator/github/tags.js";
import { lineProgress } from "../generator/diagnostics/progress.js";
import { organisationsToList } from "../generator/github/repositories.js";
import { sha256FromDigest } from "../generator/github/releases.js";

test("tags that are PEP 440 versions, with or without a leading v, become normalised versions", () => {
  const cases: [string, string | null][] = [
    ["v1.2.0", "1.2.0"],
    ["1.2", "1.2"],
    ["V2.0.0rc1", "2.0.0rc1"],
    ["v1.0-alpha.1", "1.0a1"],
    ["1.0.post2", "1.0.post2"],
    ["v1.0+local.7", "1.0+local.7"],
    ["release-1.0", null],
    ["latest", null],
    ["vnext", null],
    ["v", null],
  ];
  for (const [tag, version] of cases) assert.equal(versionFromTag(tag), version, tag);
});

test("pyproject.toml gives the name from [project], then Poetry's [tool.poetry]", () => {
  assert.deepEqual(projectFromPyproject('[project]\nname = "Acme.Tools"\nrequires-python = ">=3.9"\n'), { name: "Acme.Tools", requiresPython: ">=3.9" });
  assert.deepEqual(projectFromPyproject('[tool.poetry]\nname = "acme-poetry"\n'), { name: "acme-poetry" });
  assert.deepEqual(projectFromPyproject('[build-system]\nrequires = ["setuptools"]\n'), {});
  assert.throws(() => projectFromPyproject("[project\nname="));
});

test("setup.cfg gives [metadata] name and [options] python_requires", () => {
  assert.deepEqual(projectFromSetupCfg("[metadata]\nname = acme-cfg\nversion = 1.0\n\n[options]\npython_requires = >=3.8\n"), { name: "acme-cfg", requiresPython: ">=3.8" });
  assert.deepEqual(projectFromSetupCfg("[options]\nzip_safe = False\n"), {});
});

test("GitHub digests give a sha256 only when they are sha256", () => {
  assert.equal(sha256FromDigest(`sha256:${"AB".repeat(32)}`), "ab".repeat(32));
  assert.equal(sha256FromDigest(null), undefined);
  assert.equal(sha256FromDigest(`sha512:${"ab".repeat(64)}`), undefined);
  assert.equal(sha256FromDigest("sha256:xyz"), undefined);
});

test("--repo patterns name the organisations to list and must be OWNER/NAME", () => {
  assert.deepEqual(organisationsToList("acme", ["acme/tools-*", "other/lib"]), ["acme", "other"]);
  assert.deepEqual(organisationsToList(undefined, ["acme/x"]), ["acme"]);
  assert.throws(() => organisationsToList("acme", ["tools-*"]), /expected OWNER\/NAME/);
  assert.throws(() => organisationsToList("acme", ["ac*/tools"]), /expected OWNER\/NAME/);
  assert.throws(() => organisationsToList("acme", ["acme/a/b"]), /expected OWNER\/NAME/);
});

test("without a terminal, progress is plain lines: a start, throttled updates and an end", () => {
  const lines: string[] = [];
  const sink = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
  const p = lineProgress(sink, 60_000);
  p.start("reading assets", 40);
  for (let i = 0; i < 40; i++) p.tick(1, `${i + 1} KiB downloaded`);
  p.stop();
  assert.deepEqual(lines, ["reading assets: 0/40\n", "reading assets: 40/40 (40 KiB downloaded)\n"]);
  lines.length = 0;
  p.start("short", 3);
  p.tick();
  p.stop();
  assert.deepEqual(lines, [], "short jobs print nothing");
});
