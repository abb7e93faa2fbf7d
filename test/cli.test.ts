/** The installed command as a user runs it: `github-pypi build` and `serve` in child processes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { cliPath, demoConfig, demoDists, repoRoot, tempDir } from "./helpers/paths.js";
import { run } from "./helpers/python.js";

const cli = (args: string[]) => run(process.execPath, [cliPath, ...args], { cwd: repoRoot });

test("--help lists the commands, and npx finds the bin", async () => {
  const r = await cli(["--help"]);
  assert.equal(r.code, 0);
  for (const cmd of ["build", "serve", "demo"]) assert.match(r.stdout, new RegExp(`^\\s+${cmd}\\b`, "m"));
  const npx = await run("npx", ["--no-install", "github-pypi", "build", "--help"], { cwd: repoRoot });
  assert.equal(npx.code, 0, npx.stderr);
  assert.match(npx.stdout, /--package-list-json <file>/);
});

test("--version and -V print the package's version", async () => {
  const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  for (const flag of ["--version", "-V"]) {
    const r = await cli([flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${version}\n`);
  }
});

test("the command runs compiled: --help loads dist/cli/main.js alone, no TypeScript and no command's modules", async () => {
  const traced = await run(process.execPath, ["--import", join(repoRoot, "test/fixtures/load-trace/register.mjs"), cliPath, "--help"], { cwd: repoRoot });
  assert.equal(traced.code, 0, traced.stderr);
  const loaded = [...traced.stderr.matchAll(/^load-trace (\S+)$/gm)].map((m) => m[1] ?? "");
  assert.ok(
    loaded.some((u) => u.endsWith("/dist/cli/main.js")),
    loaded.join("\n"),
  );
  assert.deepEqual(
    loaded.filter((u) => u.endsWith(".ts") || /\/node_modules\/(tsx|zod|@octokit|@aws-sdk|yaml|marked)\//.test(u) || /dist\/cli\/(build|serve|demo)-command/.test(u)),
    [],
    "nothing a command needs",
  );
  // A command loads its own modules when it runs.
  const build = await run(
    process.execPath,
    ["--import", join(repoRoot, "test/fixtures/load-trace/register.mjs"), cliPath, "build", "--from", demoDists, "--out", join(tempDir("cli-traced"), "site"), "--quiet"],
    { cwd: repoRoot },
  );
  assert.equal(build.code, 0, build.stderr);
  assert.match(build.stderr, /^load-trace \S+\/dist\/cli\/build-command-\w+\.js$/m);
});

test("build writes the site and prints a summary; a rebuild writes nothing", async () => {
  const out = join(tempDir("cli"), "site");
  const r = await cli(["build", "--from", demoDists, "--config", demoConfig, "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  // 12 files plus a .metadata beside each of the 5 wheels; 2 index pages and a catalog page for each of 4 projects;
  // the root index (HTML, JSON), the landing page, 3 catalog assets, .nojekyll, the demo's upstream record, and
  // PEP 752's namespace list and the demo namespace's page.
  assert.match(r.stdout, /^Built 4 projects, 12 files into .* \(39 written, 0 unchanged, 0 removed\)\.$/m);
  assert.ok(existsSync(join(out, "simple/namespace/demo")), "the demo's settings declare the namespace demo");
  assert.ok(existsSync(join(out, ".github-pypi-upstream.json")), "the demo's settings name an upstream");
  // The access map is private to the build: beside the folder, which holds only what may be served.
  assert.equal(existsSync(join(out, ".github-pypi")), false);
  const map = JSON.parse(readFileSync(`${out}.access.json`, "utf8")) as { projects: Record<string, string[]> };
  assert.deepEqual(Object.keys(map.projects).sort(), ["demo-app", "demo-core", "demo-sdist-only", "demo-zip"]);
  assert.ok(existsSync(join(out, "simple/demo-core/index.json")));
  assert.ok(existsSync(join(out, "project/demo-core/index.html")), "the catalog page");
  const again = await cli(["build", "--from", demoDists, "--config", demoConfig, "--out", out]);
  assert.match(again.stdout, /\(0 written, 39 unchanged, 0 removed\)/);

  // serve --auth github fails closed without the map, rather than let the gate's readers see every project.
  const elsewhere = join(tempDir("cli-map"), "map.json");
  const moved = await cli(["build", "--from", demoDists, "--out", out, "--access-map", elsewhere, "--quiet"]);
  assert.equal(moved.code, 0, moved.stderr);
  assert.ok(existsSync(elsewhere));
  const refused = await cli(["serve", out, "--auth", "github", "--gate-repository", "acme/pypi", "--access-map", join(tempDir("cli-map"), "none.json"), "--port", "0"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^error: --auth github needs the access map .*none\.json does not exist/m);
});

test("errors exit 1 with a message and no stack trace; warnings are named; --strict refuses to write", async () => {
  const noSource = await cli(["build", "--out", join(tempDir("cli"), "s")]);
  assert.equal(noSource.code, 1);
  assert.match(noSource.stderr, /^error: nothing to index/m);
  assert.doesNotMatch(noSource.stderr, /\bat .*\.ts:\d+/);

  const dir = tempDir("cli-cfg");
  writeFileSync(join(dir, "bad.yaml"), "titel: typo\n");
  const badConfig = await cli(["build", "--from", demoDists, "--config", join(dir, "bad.yaml"), "--out", join(dir, "s")]);
  assert.equal(badConfig.code, 1);
  assert.match(badConfig.stderr, /bad\.yaml: invalid configuration\n.*titel/s);

  const extra = tempDir("cli-extra");
  writeFileSync(join(extra, "README.txt"), "not a package");
  writeFileSync(join(extra, "notes-final.tar.gz"), "not a package either");
  const warned = await cli(["build", "--from", extra, "--from", demoDists, "--out", join(dir, "site")]);
  assert.equal(warned.code, 0);
  assert.match(warned.stderr, /^warning\[unsupported-file\]: .*README\.txt/m);
  assert.match(warned.stderr, /^warning\[unparseable-filename\]: .*notes-final\.tar\.gz/m);
  assert.match(warned.stdout, /^Built 4 projects, 12 files into .*, 2 warnings\)\.$/m);
  const oneExtra = tempDir("cli-one-extra");
  writeFileSync(join(oneExtra, "README.txt"), "not a package");
  const one = await cli(["build", "--from", oneExtra, "--from", demoDists, "--out", join(dir, "site-one")]);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^Built 4 projects, 12 files into .*, 1 warning\)\.$/m);
  const strict = await cli(["build", "--strict", "--from", extra, "--from", demoDists, "--out", join(dir, "strict-site")]);
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /--strict: 2 warnings above; nothing was written/);
  assert.equal(existsSync(join(dir, "strict-site")), false);

  const badPort = await cli(["serve", dir, "--port", "99999"]);
  assert.equal(badPort.code, 1);
  assert.match(badPort.stderr, /expected a port number/);
  const notSite = await cli(["serve", dir, "--port", "0"]);
  assert.equal(notSite.code, 1);
  assert.match(notSite.stderr, /is not a built site/);
});

test("serve prints its URL and the pip line, answers, and stops on SIGTERM", async () => {
  const out = join(tempDir("cli-serve"), "site");
  assert.equal((await cli(["build", "--from", demoDists, "--out", out, "--quiet"])).code, 0);
  const child = spawn(process.execPath, [cliPath, "serve", out, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = /Serving .* at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
      if (m?.[1]) resolve(m[1]);
    });
    child.on("exit", () => reject(new Error(`serve exited: ${stdout}`)));
  });
  await new Promise((r) => setTimeout(r, 100));
  assert.match(stdout, new RegExp(`pip install --index-url ${url}/simple/ <project>`));
  const res = await fetch(`${url}/simple/demo-core/`, { headers: { accept: "application/vnd.pypi.simple.v1+json" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/vnd.pypi.simple.v1+json");
  assert.equal(((await res.json()) as { name: string }).name, "demo-core");
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  child.kill("SIGTERM");
  assert.equal(await exited, 0);
});

test("--config takes the stack's sources and files keys, with paths relative to the file; flags win; stack-only keys are refused", async () => {
  const dir = tempDir("cli-project");
  const cfgDir = join(dir, "conf");
  mkdirSync(cfgDir);
  // The same shape as github-pypi:* stack config: one file serves `github-pypi build` and documents the stack.
  writeFileSync(join(cfgDir, "index.yaml"), `title: From file\nfiles: mirror\nsources:\n  localDirs: [${JSON.stringify(relative(cfgDir, demoDists))}]\nyanked:\n  demo-core:\n    "1.0.0": broken\n`);
  const out = join(dir, "site");
  const r = await cli(["build", "--config", join(cfgDir, "index.yaml"), "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Built 4 projects, 12 files/m);
  assert.match(readFileSync(join(out, "simple/demo-core/index.html"), "utf8"), /data-yanked="broken"/);

  const flagWins = await cli(["build", "--config", join(cfgDir, "index.yaml"), "--from", join(repoRoot, "test/fixtures/hostile"), "--out", join(dir, "other")]);
  assert.equal(flagWins.code, 0, flagWins.stderr);
  assert.match(flagWins.stdout, /^Built 1 project, 1 file into /m, "--from replaces the file's localDirs");

  writeFileSync(join(cfgDir, "stack.yaml"), "sources: {org: acme}\nteams: []\n");
  const stackOnly = await cli(["build", "--config", join(cfgDir, "stack.yaml"), "--out", join(dir, "s2")]);
  assert.equal(stackOnly.code, 1);
  assert.match(stackOnly.stderr, /stack\.yaml: teams is a stack setting \(github-pypi:teams in Pulumi config\), not used by `github-pypi build`/);

  writeFileSync(join(cfgDir, "typo.yaml"), "sources: {localDir: [x]}\n");
  const typo = await cli(["build", "--config", join(cfgDir, "typo.yaml"), "--out", join(dir, "s3")]);
  assert.match(typo.stderr, /typo\.yaml: invalid configuration\n\s+sources: Unrecognized key: "localDir"/);
});

test("package lists are read as they stream: CRLF line ends, no final newline, a multi-byte character across a read chunk, and a list from stdin", async () => {
  const dir = tempDir("streamed-lists");
  const CHUNK = 64 * 1024; // a file stream's read size
  const lines = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ filename: `naive-1.0.${i}.tar.gz`, yanked_reason: `naïve ${i}` }));
  // A first line of spaces (blank, so skipped) long enough that one "ï" (two bytes in UTF-8) starts on the chunk's last byte.
  const at = Buffer.from(`\r\n${lines.join("\r\n")}`).indexOf(Buffer.from("ï"), CHUNK - 100);
  const text = `${" ".repeat(CHUNK - 1 - at)}\r\n${lines.join("\r\n")}`;
  assert.equal(
    Buffer.from(text)
      .subarray(CHUNK - 1, CHUNK + 1)
      .toString(),
    "ï",
    "the character straddles the chunk boundary",
  );
  writeFileSync(join(dir, "list.jsonl"), text);
  const out = join(dir, "site");
  const built = await cli(["build", "--package-list-json", join(dir, "list.jsonl"), "--packages-url", "https://files.example/", "--out", out, "--quiet"]);
  assert.equal(built.code, 0, built.stderr);
  const page = JSON.parse(readFileSync(join(out, "simple", "naive", "index.json"), "utf8")) as { files: { filename: string; yanked: string }[] };
  const seen = page.files.map((f) => `${f.filename} ${f.yanked}`).sort();
  assert.deepEqual(seen, Array.from({ length: 1500 }, (_, i) => `naive-1.0.${i}.tar.gz naïve ${i}`).sort(), "every line, the last one too, with no broken character");

  const piped = await run(process.execPath, [cliPath, "build", "--package-list", "-", "--packages-url", "https://files.example/", "--out", join(dir, "site-2"), "--quiet"], {
    cwd: repoRoot,
    input: "plain-1.0.tar.gz\r\nplain-2.0.tar.gz",
  });
  assert.equal(piped.code, 0, piped.stderr);
  const stdinPage = JSON.parse(readFileSync(join(dir, "site-2", "simple", "plain", "index.json"), "utf8")) as { files: { filename: string }[] };
  assert.deepEqual(stdinPage.files.map((f) => f.filename).sort(), ["plain-1.0.tar.gz", "plain-2.0.tar.gz"], "no \\r left on a name");
});
