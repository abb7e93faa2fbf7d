/**
 * `github-pypi demo --private`, end to end, as a team would try it before deploying: the command
 * runs as a process, builds the demo as a private index, serves it behind the GitHub gate against
 * its local stand-in for GitHub, and prints for each of its two people a pip line that works as
 * printed (real pip, the newest the client matrix pins) and one that is refused; without
 * credentials everything is 401; each person's list shows only what they may read; a name the
 * index lacks goes to the upstream (the one URL) only with a token; Ctrl+C stops the index and the
 * stand-in together.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { clientVenv, pinnedVenvs } from "./helpers/client-venvs.js";
import { cliPath, tempDir } from "./helpers/paths.js";
import { venvAt, type Venv } from "./helpers/python.js";

/** Never contacted: the test looks at the redirect, it does not follow it. */
const UPSTREAM = "http://127.0.0.1:9/simple/";

interface Person {
  login: string;
  token: string;
  /** The printed pip lines' arguments after `pip`, each `install --index-url URL PROJECT`, and what the line says it prints. */
  commands: { args: string[]; says?: string }[];
}

interface Demo {
  child: ChildProcess;
  stdout: string;
  url: string;
  standIn: string;
  people: Map<string, Person>;
  /** The one-URL line's arguments after `pip`. */
  oneUrl: string[];
  exited: Promise<number | null>;
  /** The request log so far (stderr): method, path, status, who. */
  log: () => string;
}

let demo: Demo;
let pip: Venv;

/** Starts the demo and reads what it printed up to "Press Ctrl+C": the URLs, and each person's token and pip lines. */
async function startDemo(args: string[]): Promise<Demo> {
  const child = spawn(process.execPath, [cliPath, "demo", "--private", "--port", "0", "--out", join(tempDir("demo-private"), "site"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const lines: string[] = [];
  const stdout = await new Promise<string>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`demo --private exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      lines.push(line);
      if (line.startsWith("Press Ctrl+C")) resolve(lines.join("\n"));
    });
  });
  const url = /Private demo index at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
  const standIn = /(http:\/\/127\.0\.0\.1:\d+), a local stand-in for GitHub, not github\.com/.exec(stdout)?.[1];
  assert.ok(url && standIn, stdout);

  const people = new Map<string, Person>();
  let current: Person | undefined;
  let oneUrl: string[] = [];
  for (const line of lines) {
    const who = /^(\w+) may read /.exec(line)?.[1];
    if (who) people.set(who, (current = { login: who, token: "", commands: [] }));
    if (/^One URL/.test(line)) current = undefined;
    const token = /^\s+Token: (\S+)/.exec(line)?.[1];
    if (token && current) current.token = token;
    const pipLine = /\/bin\/pip (install --index-url \S+ [\w-]+)(?:\s+# (.*))?$/.exec(line);
    if (!pipLine) continue;
    const command = { args: (pipLine[1] as string).split(" "), ...(pipLine[2] ? { says: pipLine[2] } : {}) };
    if (current) current.commands.push(command);
    else oneUrl = command.args;
  }
  return { child, stdout, url, standIn, people, oneUrl, exited, log: () => stderr };
}

/** A printed `pip install` line, run by the pinned pip into a folder of its own (the shared venv stays as it is). */
async function runPrinted(args: string[]): Promise<{ code: number | null; output: string; target: string }> {
  const target = tempDir("demo-private-target");
  const r = await pip.pip([...args.slice(0, 1), "--target", target, "--no-cache-dir", ...args.slice(1)]);
  return { code: r.code, output: r.stdout + r.stderr, target };
}

/** The `name-version` of every distribution installed into `target`. */
const installedIn = (target: string): string[] =>
  readdirSync(target)
    .filter((f) => f.endsWith(".dist-info"))
    .map((f) => f.slice(0, -".dist-info".length).toLowerCase().replace(/_/g, "-"))
    .sort();

const basic = (token: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`token:${token}`).toString("base64")}` });

async function listedFor(token: string): Promise<string[]> {
  const res = await fetch(`${demo.url}/simple/`, { headers: { ...basic(token), accept: "application/vnd.pypi.simple.v1+json" } });
  assert.equal(res.status, 200);
  const doc = (await res.json()) as { projects: { name: string }[] };
  // PEP 691 gives display names (Demo_App); PEP 503 normalisation makes them comparable.
  return doc.projects.map((p) => p.name.toLowerCase().replace(/[-_.]+/g, "-")).sort();
}

const person = (login: string): Person => {
  const p = demo.people.get(login);
  assert.ok(p?.token, `${login} is printed with a token:\n${demo.stdout}`);
  return p;
};

before(async () => {
  const newest = pinnedVenvs()
    .filter((p) => p.client === "pip")
    .sort((a, b) => b.version.localeCompare(a.version, "en", { numeric: true }))[0];
  assert.ok(newest);
  pip = venvAt((await clientVenv(newest.venv)).dir);
  demo = await startDemo(["--upstream", UPSTREAM]);
});

after(() => {
  if (demo?.child.exitCode === null) demo.child.kill();
});

test("it prints two people, each with a token, and says GitHub is a local stand-in", () => {
  assert.deepEqual([...demo.people.keys()], ["alice", "bob"]);
  assert.notEqual(person("alice").token, person("bob").token);
  assert.match(demo.stdout, /local stand-in for GitHub, not github\.com/);
});

test("without credentials: 401 with a Basic challenge, and pip cannot install", async () => {
  for (const path of ["/", "/simple/", "/simple/demo-core/", "/simple/setuptools/"]) {
    const res = await fetch(`${demo.url}${path}`, { redirect: "manual" });
    assert.equal(res.status, 401, path);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Basic /, path);
  }
  const anonymous = await runPrinted(["install", "--index-url", `${demo.url}/simple/`, "demo-core"]);
  assert.notEqual(anonymous.code, 0);
  assert.deepEqual(installedIn(anonymous.target), []);
  // pip, which may not prompt here, says only that it found nothing; the index's log says why.
  assert.match(demo.log(), /^GET \/simple\/demo-core\/ 401 \(no credentials were sent\)$/m);
});

test("alice installs demo-app as printed, with demo-core from the same index", async () => {
  const [install, ...rest] = person("alice").commands;
  assert.ok(install);
  assert.deepEqual(rest, [], "alice may read everything: nothing is refused to her");
  const r = await runPrinted(install.args);
  assert.equal(r.code, 0, r.output);
  assert.deepEqual(installedIn(r.target), ["demo-app-0.3.0", "demo-core-1.2.0"]);
});

test("bob installs demo-core as printed, and is refused demo-app as printed, as a project that does not exist", async () => {
  const [install, refused] = person("bob").commands;
  assert.ok(install && refused);
  const ok = await runPrinted(install.args);
  assert.equal(ok.code, 0, ok.output);
  assert.deepEqual(installedIn(ok.target), ["demo-core-1.2.0"]);
  const no = await runPrinted(refused.args);
  assert.notEqual(no.code, 0);
  assert.equal(refused.args.at(-1), "demo-app");
  assert.ok(refused.says && no.output.includes(refused.says.replace(/^ERROR: /, "")), `${refused.says} / ${no.output}`);
  assert.equal((await fetch(`${demo.url}/simple/demo-app/`, { headers: basic(person("bob").token) })).status, 404);
});

test("each person's list pages show only what they may read", async () => {
  assert.deepEqual(await listedFor(person("alice").token), ["demo-app", "demo-core", "demo-sdist-only", "demo-zip"]);
  assert.deepEqual(await listedFor(person("bob").token), ["demo-core", "demo-sdist-only", "demo-zip"]);
  const landing = await (await fetch(`${demo.url}/`, { headers: basic(person("bob").token) })).text();
  assert.match(landing, /demo-core/);
  assert.doesNotMatch(landing, /demo-app/);
  // A token GitHub (here, the stand-in) does not know is refused like no token at all.
  const stranger = await fetch(`${demo.url}/simple/`, { headers: basic(`ghp_${"x".repeat(36)}`) });
  assert.equal(stranger.status, 401);
});

test("the one URL: a name the index lacks goes to the upstream for a person with a token, and the printed line names a project the index holds", async () => {
  const res = await fetch(`${demo.url}/simple/setuptools/`, { headers: basic(person("alice").token), redirect: "manual" });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), `${UPSTREAM}setuptools/`);
  assert.equal(demo.oneUrl.at(-1), "demo-sdist-only");
  assert.ok(demo.oneUrl.some((a) => a.includes(person("alice").token)));
});

test("Ctrl+C stops the index and the stand-in", async () => {
  demo.child.kill("SIGINT");
  assert.equal(await demo.exited, 0);
  for (const url of [demo.url, demo.standIn]) {
    await assert.rejects(fetch(`${url}/`), url);
  }
});
