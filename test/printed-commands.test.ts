/**
 * Every copy-ready command the catalog prints is run as printed, with the real clients at the
 * versions the matrix pins, against the index it was printed for: a private package (`acme-app`)
 * whose private dependency (`acme-lib`) a squatter holds upstream at 99.0.0. With one URL (an
 * upstream behind the index) and without one (PyPI stays for other names, after the index). A
 * command that installs the squatter, or fails, fails here; Debian's Poetry 1.3, which the Poetry
 * box does not claim, is shown to refuse it.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { startObservedServer, type ObservedServer } from "./helpers/observed-server.js";
import { clientVenv, interpreter, pinnedVenvs } from "./helpers/client-venvs.js";
import { assertUpstreamClean, recordTraffic, startOneUrlIndex, venvDistributions, type OneUrlIndex } from "./helpers/one-url-index.js";
import { tempDir } from "./helpers/paths.js";
import { makeWheel } from "./helpers/python-dists.js";
import { clientEnv, run, type RunResult } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";
import { clientSnippets } from "../infra/outputs/client-snippets.js";

const RESOLVED = ["acme-app==1.0.0", "acme-lib==1.1.0", "public-dep==1.1.0"];
/** The pip the printed pip lines run with: the newest the matrix pins. */
const NEWEST_PIP =
  pinnedVenvs()
    .filter((p) => p.client === "pip")
    .sort((a, b) => b.version.localeCompare(a.version, "en", { numeric: true }))[0]?.venv ?? "pip";
let oneUrl: OneUrlIndex;
/** An index without an upstream: `acme-tool` needs our `acme-lib`; nothing else is asked of PyPI. */
let closed: ObservedServer;
let python: string;

before(async () => {
  [oneUrl, python] = await Promise.all([startOneUrlIndex("printed"), interpreter("3.12")]);
  const dists = tempDir("printed-closed-dists");
  for (const d of [makeWheel({ name: "acme-tool", version: "1.0.0", requiresDist: ["acme-lib>=1.0"] }), makeWheel({ name: "acme-lib", version: "1.0.0" })])
    writeFileSync(join(dists, d.filename), d.bytes);
  const site = join(tempDir("printed-closed-site"), "site");
  const built = await buildTo(site, { from: [dists], config: { title: "Acme packages" } });
  assert.deepEqual(built.warnings, []);
  closed = await startObservedServer({ root: site });
});
after(async () => {
  await Promise.all([oneUrl?.close(), closed?.close()]);
});

const out = (r: RunResult): string => r.stdout + r.stderr;
const unescape = (s: string): string =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** The project page's commands as a person copies them: text only, the index URL filled in as catalog.js does. */
async function printedCommands(server: string, project: string, index: string): Promise<Map<string, { label: string; text: string }>> {
  const html = await (await fetch(`${server}/project/${project}/`)).text();
  const commands = new Map<string, { label: string; text: string }>();
  for (const m of html.matchAll(/<figcaption>([^<]*)<\/figcaption><pre><code id="(install-[a-z]+)">([\s\S]*?)<\/code><\/pre>/g)) {
    const text = unescape((m[3] ?? "").replace(/<[^>]+>/g, "")).replaceAll("<index-url>", index);
    commands.set(m[2] ?? "", { label: unescape(m[1] ?? ""), text });
  }
  assert.ok(commands.size >= 5, html);
  return commands;
}

/** A run's folder and home; `bin` folders first on the PATH, as an installed client is. */
function shell(label: string, bins: string[]): { dir: string; env: NodeJS.ProcessEnv; sh(line: string): Promise<RunResult> } {
  const root = tempDir(`printed-${label}`);
  const dir = join(root, "work");
  mkdirSync(dir);
  const home = join(root, "home");
  // uv, pipenv and pip leave lock and temporary files in TMPDIR: the run's own.
  const tmp = join(root, "tmp");
  mkdirSync(tmp);
  const env = clientEnv(
    {
      TMPDIR: tmp,
      PATH: [...bins, "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
      UV_CACHE_DIR: join(home, ".cache/uv"),
      UV_PYTHON_DOWNLOADS: "never",
      UV_PYTHON: python,
      POETRY_VIRTUALENVS_IN_PROJECT: "true",
      POETRY_NO_INTERACTION: "1",
      POETRY_KEYRING_ENABLED: "false",
      POETRY_CACHE_DIR: join(home, ".cache/poetry"),
      PIP_NO_CACHE_DIR: "1",
    },
    { home },
  );
  return { dir, env, sh: (line) => run("sh", ["-c", line], { cwd: dir, env }) };
}

/** Runs each line of a printed block in turn, as a person pastes them; stops at the first failure. */
async function runLines(s: { sh(line: string): Promise<RunResult> }, block: string): Promise<RunResult> {
  let last: RunResult = { code: 0, stdout: "", stderr: "" };
  for (const line of block.split("\n").filter((l) => l.trim() !== "")) {
    last = await s.sh(line);
    if (last.code !== 0) return { ...last, stderr: `${line}: ${last.stderr}` };
  }
  return last;
}

const pyproject = (dir: string): void =>
  writeFileSync(
    join(dir, "pyproject.toml"),
    ["[project]", 'name = "consumer"', 'version = "0.0.0"', 'requires-python = ">=3.12"', "dependencies = []", "", "[tool.poetry]", "package-mode = false", ""].join("\n"),
  );

const lockedVersions = (file: string): string[] =>
  ((parseToml(readFileSync(file, "utf8")) as { package: { name: string; version: string }[] }).package ?? [])
    .filter((p) => p.name !== "consumer")
    .map((p) => `${p.name}==${p.version}`)
    .sort();

describe("with one URL: the printed commands install ours and the public dependency, never the squatter", () => {
  const host = () => oneUrl.host("serve");
  const commands = () => printedCommands(host().server.url, "acme-app", host().index);

  test("pip, requirements.txt and the Conda environment's pip section, each in a fresh venv", async () => {
    const printed = await commands();
    const pipLine = printed.get("install-pip")?.text ?? "";
    assert.equal(pipLine, `pip install --index-url ${host().index} acme-app`);
    const requirements = printed.get("install-requirements")?.text ?? "";
    assert.equal(requirements.split("\n")[1], "acme-app==1.0.0", "the pin names the newest version a Python can install");
    const conda = parseYaml(printed.get("install-conda")?.text ?? "") as { dependencies: (string | { pip: string[] })[] };
    const section = conda.dependencies.find((d): d is { pip: string[] } => typeof d === "object");
    const pip = await clientVenv(NEWEST_PIP);
    for (const [label, write] of [
      ["pip", (): string => pipLine],
      ["requirements", (dir: string): string => (writeFileSync(join(dir, "requirements.txt"), `${requirements}\n`), "pip install -r requirements.txt")],
      // conda writes the pip section to a requirements file and runs `pip install -U -r` on it.
      ["conda", (dir: string): string => (writeFileSync(join(dir, "condaenv.req.txt"), `${section?.pip.join("\n")}\n`), "pip install -U -r condaenv.req.txt")],
    ] as const) {
      const root = tempDir(`printed-${label}-venv`);
      // A fresh venv whose `pip` is the matrix's newest pin, working on that venv (`--python`), so the command runs as printed.
      const venv = join(root, "venv");
      const made = await run(python, ["-m", "venv", "--without-pip", venv]);
      assert.equal(made.code, 0, out(made));
      writeFileSync(join(venv, "bin", "pip"), `#!/bin/sh\nexec "${pip.python}" -m pip --python "${join(venv, "bin", "python")}" "$@"\n`, { mode: 0o755 });
      const s = shell(label, [join(venv, "bin")]);
      const rec = await recordTraffic(oneUrl, host());
      const r = await s.sh(write(s.dir));
      assert.equal(r.code, 0, `${label}: ${out(r)}`);
      assertUpstreamClean(await rec.stop());
      assert.deepEqual(venvDistributions(venv), RESOLVED, label);
    }
  });

  test("uv, as printed, in a new project", async () => {
    const printed = await commands();
    const uv = await clientVenv("uv");
    const line = printed.get("install-uv")?.text ?? "";
    assert.match(line, /^uv add --default-index /);
    const s = shell("uv", [join(uv.dir, "bin")]);
    pyproject(s.dir);
    const rec = await recordTraffic(oneUrl, host());
    const r = await runLines(s, line);
    assert.equal(r.code, 0, out(r));
    assertUpstreamClean(await rec.stop());
    assert.deepEqual(lockedVersions(join(s.dir, "uv.lock")), RESOLVED);
  });

  test("Poetry 2, as printed; Debian's Poetry 1.3, which the box does not claim, refuses its first line", async () => {
    const printed = await commands();
    const block = printed.get("install-poetry");
    assert.equal(block?.label, "Poetry 1.8 or later");
    const poetry = await clientVenv("poetry");
    const s = shell("poetry", [join(poetry.dir, "bin")]);
    pyproject(s.dir);
    const rec = await recordTraffic(oneUrl, host());
    const r = await runLines(s, block?.text ?? "");
    assert.equal(r.code, 0, out(r));
    assertUpstreamClean(await rec.stop());
    assert.deepEqual(lockedVersions(join(s.dir, "poetry.lock")), RESOLVED);

    const old = shell("poetry-1.3", ["/usr/bin"]);
    writeFileSync(join(old.dir, "pyproject.toml"), '[tool.poetry]\nname = "consumer"\nversion = "0.0.0"\ndescription = ""\nauthors = []\n\n[tool.poetry.dependencies]\npython = "^3.11"\n');
    const refused = await runLines(old, block?.text ?? "");
    assert.notEqual(refused.code, 0);
    assert.match(out(refused), /The option "--priority" does not exist/);
  });
});

describe("without an upstream: the index first for every name it holds, PyPI only for the rest", () => {
  const commands = () => printedCommands(closed.url, "acme-tool", `${closed.url}/simple/`);

  test("uv, as printed: our dependency comes from the index", async () => {
    const printed = await commands();
    const line = printed.get("install-uv")?.text ?? "";
    assert.equal(line, `uv add --index ${closed.url}/simple/ acme-tool`);
    const uv = await clientVenv("uv");
    const s = shell("uv-closed", [join(uv.dir, "bin")]);
    // PyPI played by the upstream stand-in, where a squatter holds acme-lib 99.0.0: uv's default index.
    s.env.UV_DEFAULT_INDEX = oneUrl.upstream.url;
    pyproject(s.dir);
    await oneUrl.upstream.settle();
    const before = oneUrl.upstream.requests.length;
    const r = await runLines(s, line);
    assert.equal(r.code, 0, out(r));
    assert.deepEqual(lockedVersions(join(s.dir, "uv.lock")), ["acme-lib==1.0.0", "acme-tool==1.0.0"], "our acme-lib, not the squatter's 99.0.0 on the default index");
    await oneUrl.upstream.settle();
    assert.deepEqual(
      oneUrl.upstream.requests.slice(before).filter((q) => /acme/.test(q.path)),
      [],
      "the default index is never asked for a name ours holds",
    );
  });

  test("Poetry 2, as printed (a primary source and PyPI as supplemental): our dependency comes from the index", async () => {
    const printed = await commands();
    const block = printed.get("install-poetry")?.text ?? "";
    assert.match(block, /--priority=supplemental PyPI/);
    const poetry = await clientVenv("poetry");
    const s = shell("poetry-closed", [join(poetry.dir, "bin")]);
    pyproject(s.dir);
    const r = await runLines(s, block);
    assert.equal(r.code, 0, out(r));
    assert.deepEqual(lockedVersions(join(s.dir, "poetry.lock")), ["acme-lib==1.0.0", "acme-tool==1.0.0"]);
    const lock = parseToml(readFileSync(join(s.dir, "poetry.lock"), "utf8")) as { package: { name: string; source?: { reference?: string } }[] };
    for (const p of lock.package) assert.notEqual(p.source?.reference?.toLowerCase(), "pypi", `${p.name} locked from PyPI`);
    assert.ok(readdirSync(s.dir).includes("poetry.lock"));
  });
});

describe("the stack's snippets output, pasted into a project as given", () => {
  /** A project needing `dependency`, with the snippet appended as its documentation says. */
  const projectWith = (dir: string, dependency: string, snippet: string): void =>
    writeFileSync(
      join(dir, "pyproject.toml"),
      ["[project]", 'name = "consumer"', 'version = "0.0.0"', 'requires-python = ">=3.12"', `dependencies = ["${dependency}"]`, "", "[tool.poetry]", "package-mode = false", "", snippet].join("\n"),
    );

  for (const oneUrlCase of [true, false]) {
    test(`uv's and Poetry's snippets ${oneUrlCase ? "with one URL" : "without an upstream"}`, async () => {
      const index = oneUrlCase ? oneUrl.host("serve").index : `${closed.url}/simple/`;
      const dependency = oneUrlCase ? "acme-app" : "acme-tool";
      const expected = oneUrlCase ? RESOLVED : ["acme-lib==1.0.0", "acme-tool==1.0.0"];
      const snippets = clientSnippets(index, "acme", dependency, false, oneUrlCase);
      const [uv, poetry] = await Promise.all([clientVenv("uv"), clientVenv("poetry")]);
      for (const [client, snippet, command, lock] of [
        ["uv", snippets.uv, "uv lock", "uv.lock"],
        ["poetry", snippets.poetry, "poetry lock", "poetry.lock"],
      ] as const) {
        const s = shell(`snippet-${client}-${oneUrlCase}`, [join((client === "uv" ? uv : poetry).dir, "bin")]);
        projectWith(s.dir, dependency, snippet);
        const r = await s.sh(command);
        assert.equal(r.code, 0, `${client}: ${out(r)}`);
        assert.deepEqual(lockedVersions(join(s.dir, lock)), expected, client);
      }
    });
  }
});
