/**
 * The workflows teams copy from examples/: zizmor (offline, auditor persona) finds nothing of
 * medium severity or more (actionlint is not run: PyPI offers no build of it that installs under
 * hash pins); no `run:` holds an expression; every action is
 * pinned by commit; each job may write only what it needs. The release workflow attests exactly
 * the files it releases, attests before it releases and notifies the index after, and its own
 * scripts, run here on real wheels, write the `.metadata` assets the index reads. The workflow
 * that runs `pulumi up` logs in to a state backend it is given (never Pulumi Cloud by default) and
 * gets AWS credentials through OIDC only (no stored keys). Each rule is shown to catch a copy
 * broken for it.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, posix, resolve } from "node:path";
import { test } from "node:test";
import { parseDocument, type Document } from "yaml";
import { readMetadataBytes } from "../generator/metadata/read-archive.js";
import { parseFilename } from "../generator/names/filename.js";
import { clientVenv } from "./helpers/client-venvs.js";
import { demoDists, repoRoot, tempDir } from "./helpers/paths.js";
import { makeWheel } from "./helpers/python-dists.js";
import { run } from "./helpers/python.js";
import { expressions, parseWorkflow, runsAfter, shellWords, upstreamJobs, steps, writeScopes, type Step, type StepAt, type Workflow } from "./helpers/workflow-shape.js";

const EXAMPLES = join(repoRoot, "examples");
const examples = readdirSync(EXAMPLES)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => join(EXAMPLES, f));

type Rule = "trigger" | "permissions" | "pinned" | "expression-in-run" | "same-files" | "attest-before-release" | "notify-after-release" | "dispatch-type" | "state-backend" | "aws-oidc";
interface Problem {
  rule: Rule;
  message: string;
}

const isAttest = (s: Step): boolean => /^actions\/attest(-build-provenance)?@/.test(s.uses ?? "");
const isRelease = (s: Step): boolean => /\bgh\s+release\s+(create|upload)\b/.test(s.run ?? "");
const isNotify = (s: Step): boolean => /\/dispatches\b/.test(s.run ?? "") && /event_type=/.test(s.run ?? "");
const isDownload = (s: Step): boolean => /^actions\/download-artifact@/.test(s.uses ?? "");
const isAwsCredentials = (s: Step): boolean => /^aws-actions\/configure-aws-credentials@/.test(s.uses ?? "");
/** A step that changes or reads a stack: the Pulumi CLI, or Pulumi's action given a command. */
const isPulumiDeploy = (s: Step): boolean => /\bpulumi\s+(up|preview|refresh|destroy)\b/.test(s.run ?? "") || (/^pulumi\/actions@/.test(s.uses ?? "") && s.with?.command !== undefined);
/** `pulumi login "${VAR:?...}"`: the backend from a variable, and no login at all (not Pulumi Cloud) when it is empty. */
const PULUMI_LOGIN = /\bpulumi\s+login\s+"\$\{(\w+):\?[^}]*\}"/;
/** Inputs and variables that hand AWS a stored key instead of an OIDC token. */
const AWS_KEY_INPUTS = ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"];
const AWS_KEY_VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];
const where = (at: StepAt): string => `job ${at.job} step ${at.index + 1}`;

/** `gh release create|upload` options that take a value (the rest are switches). */
const GH_RELEASE_VALUE_FLAGS = new Set(["-R", "--repo", "-t", "--title", "-n", "--notes", "-F", "--notes-file", "--target", "--discussion-category", "--notes-start-tag", "--latest"]);

/** The files a release step uploads: the words after the tag, `#label` suffixes dropped. */
function uploadedBy(step: Step): string[] {
  const out: string[] = [];
  for (const line of (step.run ?? "").split(/\n|&&|;/)) {
    const words = shellWords(line);
    const at = words.findIndex((w, i) => w === "release" && words[i - 1] === "gh" && (words[i + 1] === "create" || words[i + 1] === "upload"));
    if (at < 0) continue;
    const positional: string[] = [];
    for (let i = at + 2; i < words.length; i++) {
      const w = words[i] as string;
      if (w.startsWith("-")) {
        if (GH_RELEASE_VALUE_FLAGS.has(w)) i++;
        continue;
      }
      positional.push(w);
    }
    out.push(...positional.slice(1).map((p) => p.replace(/#.*$/, "")));
  }
  return out;
}

/**
 * The files an attest step covers, as globs: a `${{ matrix.K }}` that runs over a list another job
 * computed (`fromJSON(needs.J.outputs.O)`) stands for each of its files, so `dist/${{ matrix.file }}`
 * is `dist/*`, one attestation per file; `lists` collects those lists.
 */
function attestedBy(workflow: Workflow, at: StepAt, lists: Set<string>): string[] {
  const matrix = workflow.jobs[at.job]?.strategy?.matrix ?? {};
  const subjects = String(at.step.with?.["subject-path"] ?? "")
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return subjects.flatMap((subject) => {
    const m = /\$\{\{\s*matrix\.([\w-]+)\s*\}\}/.exec(subject);
    if (!m) return [subject];
    const values = matrix[m[1] as string];
    if (Array.isArray(values)) return values.map((v) => subject.replace(m[0], String(v)));
    const list = typeof values === "string" ? /^\$\{\{\s*fromJSON\((needs\.[\w-]+\.outputs\.[\w-]+)\)\s*\}\}$/.exec(values.trim())?.[1] : undefined;
    if (list === undefined) return [subject];
    lists.add(list);
    return [subject.replace(m[0], "*")];
  });
}

/** Which artifact a job downloads into `dir`, if any. */
function artifactInto(workflow: Workflow, job: string, dir: string): string | undefined {
  const clean = (p: string): string => posix.normalize(p).replace(/\/$/, "");
  const step = workflow.jobs[job]?.steps.find((s) => isDownload(s) && clean(String(s.with?.path ?? ".")) === clean(dir));
  return step === undefined ? undefined : String(step.with?.name ?? "(every artifact)");
}

/** An `env:` block (the workflow's or a job's, which the shape leaves untyped) as strings. */
function envOf(block: unknown): Record<string, string> {
  if (block === null || typeof block !== "object") return {};
  return Object.fromEntries(Object.entries(block).map(([k, v]) => [k, String(v)]));
}

/** A value that is one repository variable or secret, as `${{ vars.X }}` or `${{ secrets.X }}`. */
const fromSettings = (value: string | undefined): boolean => /^\$\{\{\s*(vars|secrets)\.\w+\s*\}\}$/.test(value?.trim() ?? "");

/**
 * A job that runs Pulumi: before it, a login to the backend a variable or secret names (refusing
 * an empty one), and AWS credentials from the OIDC token (`role-to-assume`); no stored AWS key anywhere.
 */
function deployProblems(workflow: Workflow, add: (rule: Rule, message: string) => void): void {
  const everyEnv = [envOf(workflow.env), ...Object.values(workflow.jobs).flatMap((j) => [envOf(j.env), ...j.steps.map((s) => envOf(s.env))])];
  for (const env of everyEnv) for (const name of AWS_KEY_VARIABLES) if (name in env) add("aws-oidc", `${name} is set: a stored AWS key; assume a role through OIDC instead`);
  for (const at of steps(workflow, isAwsCredentials)) {
    const keys = AWS_KEY_INPUTS.filter((k) => at.step.with?.[k] !== undefined);
    if (keys.length > 0 || at.step.with?.["role-to-assume"] === undefined) add("aws-oidc", `${where(at)}: ${keys.join(", ") || "no role-to-assume"}; give it role-to-assume alone (OIDC)`);
  }
  for (const deploy of steps(workflow, isPulumiDeploy)) {
    const job = workflow.jobs[deploy.job];
    const before = (job?.steps ?? []).slice(0, deploy.index);
    const logins = before.flatMap((s) => {
      const name = PULUMI_LOGIN.exec(s.run ?? "")?.[1];
      return name === undefined ? [] : [{ ...envOf(workflow.env), ...envOf(job?.env), ...envOf(s.env) }[name]];
    });
    if (!logins.some(fromSettings))
      add("state-backend", `${where(deploy)} runs Pulumi with no \`pulumi login "\${VAR:?...}"\` before it, VAR a variable or secret: the state would go to Pulumi Cloud by default`);
    if (!before.some((s) => isAwsCredentials(s) && fromSettings(String(s.with?.["role-to-assume"] ?? "")))) {
      add("aws-oidc", `${where(deploy)} runs Pulumi with no AWS credentials from OIDC before it (configure-aws-credentials with role-to-assume from a variable or secret)`);
    }
  }
}

/** What the rules find wrong with one workflow's text; the release rules apply to a workflow that attests. */
function problemsOf(text: string, dispatchTypes: string[]): Problem[] {
  const workflow = parseWorkflow(text);
  const problems: Problem[] = [];
  const add = (rule: Rule, message: string): void => void problems.push({ rule, message });

  for (const at of steps(workflow, (s) => (s.run ?? "").includes("${{"))) {
    add("expression-in-run", `${where(at)}: ${expressions(at.step.run ?? "").join(", ")} expands into the script; pass it through env:`);
  }
  text.split("\n").forEach((line, i) => {
    const uses = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (uses && !(/@[0-9a-f]{40}$/.test(uses[1] as string) && /#\s*v\d/.test(uses[2] as string))) add("pinned", `line ${i + 1}: ${uses[1]} is not pinned to a commit with its version beside it`);
  });
  const top = workflow.permissions;
  if (top === undefined || typeof top === "string" || Object.keys(top).length > 0)
    add("permissions", `the workflow grants ${JSON.stringify(top ?? "GitHub's default")} to every job; grant {} and let each job ask`);
  for (const job of Object.keys(workflow.jobs)) {
    const own = workflow.jobs[job]?.steps ?? [];
    const needed = [
      ...new Set([...(own.some(isAttest) ? ["attestations", "id-token"] : []), ...(own.some(isAwsCredentials) ? ["id-token"] : []), ...(own.some(isRelease) ? ["contents"] : [])]),
    ].sort();
    const granted = writeScopes(workflow, job);
    if (granted.join() !== needed.join()) add("permissions", `job ${job} may write ${granted.join(", ") || "nothing"}; it needs ${needed.join(", ") || "nothing"}`);
  }
  deployProblems(workflow, add);

  const attests = steps(workflow, isAttest);
  if (attests.length === 0) return problems;
  const on = workflow.on as { push?: { tags?: string[] } } | undefined;
  if (!on?.push?.tags?.includes("v*")) add("trigger", `runs on ${JSON.stringify(workflow.on)}, not on pushing a tag v*`);

  const releases = steps(workflow, isRelease);
  const notifies = steps(workflow, isNotify);
  if (releases.length === 0) add("same-files", "attests, but publishes no release (gh release create)");
  if (notifies.length === 0) add("notify-after-release", "never notifies the index (a repository_dispatch)");

  // The same files: the globs attested are the release's distribution globs, read from the same artifact.
  const lists = new Set<string>();
  const attested = [...new Set(attests.flatMap((a) => attestedBy(workflow, a, lists)))].sort();
  const uploaded = releases.flatMap((r) => uploadedBy(r.step));
  const distributions = [...new Set(uploaded.filter((u) => !u.endsWith(".metadata")))].sort();
  if (releases.length > 0 && attested.join("\n") !== distributions.join("\n")) {
    add("same-files", `attests ${attested.join(" ") || "nothing"} but releases ${distributions.join(" ") || "nothing"} (besides .metadata)`);
  }
  for (const a of attests) {
    for (const r of releases) {
      if (a.job === r.job) continue;
      for (const glob of attested) {
        const [fromA, fromR] = [artifactInto(workflow, a.job, dirname(glob)), artifactInto(workflow, r.job, dirname(glob))];
        if (fromA === undefined || fromA !== fromR) add("same-files", `${dirname(glob)}/ comes from artifact ${fromA ?? "(none)"} in job ${a.job} but ${fromR ?? "(none)"} in job ${r.job}`);
      }
      // Attested file by file from a list: the release job checks that what it uploads is that list.
      for (const list of lists) {
        const checked = workflow.jobs[r.job]?.steps.some((s) => Object.values(s.env ?? {}).some((v) => expressions(String(v)).includes(list)));
        if (!checked) add("same-files", `job ${r.job} never compares what it uploads with ${list}, the files attested one by one`);
      }
    }
  }

  for (const r of releases) for (const a of attests) if (!runsAfter(workflow, r, a)) add("attest-before-release", `${where(r)} publishes without waiting for ${where(a)} to attest`);
  for (const n of notifies) for (const r of releases) if (!runsAfter(workflow, n, r)) add("notify-after-release", `${where(n)} notifies without waiting for ${where(r)} to publish`);
  for (const n of notifies) {
    const sent = /event_type=(\S+)/.exec(n.step.run ?? "")?.[1];
    if (!sent || !dispatchTypes.includes(sent)) add("dispatch-type", `${where(n)} sends ${sent ?? "no event type"}; the index's workflow listens for ${dispatchTypes.join(", ")}`);
  }
  return problems;
}

/** The example that runs `pulumi up` in the index's repository. */
const publishWorkflow = (): { path: string; text: string } => {
  const found = examples.filter((p) => steps(parseWorkflow(readFileSync(p, "utf8")), isPulumiDeploy).length > 0);
  assert.equal(found.length, 1, `one example runs pulumi: ${found.join(", ")}`);
  const path = found[0] as string;
  return { path, text: readFileSync(path, "utf8") };
};

/** The repository_dispatch types the index's publish workflow (the example teams copy) runs on. */
function indexDispatchTypes(): string[] {
  const publish = parseWorkflow(publishWorkflow().text);
  return ((publish.on as { repository_dispatch?: { types?: string[] } }).repository_dispatch?.types ?? []).map(String);
}

interface LintFinding {
  file: string;
  what: string;
}

const SEVERITIES = ["Unknown", "Informational", "Low", "Medium", "High"];

/** zizmor over `files` as the workflow-lint venv pins it: offline, every persona's findings, those below medium left out. */
async function zizmor(files: string[]): Promise<LintFinding[]> {
  const venv = await clientVenv("workflow-lint");
  // No token reaches it, and --offline keeps it from the network altogether.
  const zz = await run(venv.bin("zizmor"), ["--offline", "--no-config", "--no-progress", "--persona", "auditor", "--format", "json", ...files], {
    env: { GH_TOKEN: undefined, GITHUB_TOKEN: undefined, ZIZMOR_GITHUB_TOKEN: undefined },
  });
  // Exit 10 to 14: findings, by their highest severity.
  assert.ok(zz.code === 0 || (zz.code !== null && zz.code >= 10 && zz.code <= 14), `zizmor failed to run (exit ${zz.code}): ${zz.stderr}`);
  type Finding = {
    ident: string;
    desc: string;
    determinations: { severity: string };
    locations: { symbolic: { key: { Local?: { verbatim_path?: string } } }; concrete: { location: { start_point: { row: number } } } }[];
  };
  return (JSON.parse(zz.stdout || "[]") as Finding[])
    .filter((f) => SEVERITIES.indexOf(f.determinations.severity) >= SEVERITIES.indexOf("Medium"))
    .map((f) => {
      const loc = f.locations[0];
      const file = resolve(loc?.symbolic.key.Local?.verbatim_path ?? "?");
      return { file, what: `${basename(file)}:${(loc?.concrete.location.start_point.row ?? -1) + 1}: ${f.ident} (${f.determinations.severity}): ${f.desc}` };
    });
}

/** A copy of `text` changed by `edit`, written as `<dir>/<name>.yml` (comments kept). */
function brokenCopy(dir: string, name: string, text: string, edit: (doc: Document) => void): string {
  const doc = parseDocument(text);
  edit(doc);
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, doc.toString({ lineWidth: 0 }));
  return file;
}

const releaseWorkflow = (): { path: string; text: string } => {
  const found = examples.filter((p) => steps(parseWorkflow(readFileSync(p, "utf8")), isAttest).length > 0);
  assert.equal(found.length, 1, `one example attests and releases: ${found.join(", ")}`);
  const path = found[0] as string;
  return { path, text: readFileSync(path, "utf8") };
};

test("zizmor (offline) finds nothing of medium severity or more in any example workflow, and flags a tag name pasted into a run: script", { timeout: 600_000 }, async () => {
  assert.ok(examples.length >= 3, "the release workflow, the notify workflow and the publish workflow");
  assert.deepEqual(await zizmor(examples), []);
  const { text } = releaseWorkflow();
  const release = steps(parseWorkflow(text), isRelease)[0] as StepAt;
  const dir = tempDir("zizmor-broken");
  try {
    const injected = brokenCopy(dir, "tag-in-script", text, (d) =>
      d.setIn(["jobs", release.job, "steps", release.index, "run"], (release.step.run ?? "").replaceAll('"$TAG"', '"${{ github.ref_name }}"')),
    );
    const said = (await zizmor([injected])).map((f) => f.what);
    assert.ok(
      said.some((w) => /template-injection \((Medium|High)\)/.test(w)),
      said.join(" | ") || "zizmor said nothing",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("every example workflow: no expression in a run: script, every action pinned by commit, each job writing only what it needs; the release workflow attests exactly what it releases, before, and notifies the index after; pulumi runs on a named backend with AWS credentials from OIDC", () => {
  const types = indexDispatchTypes();
  assert.ok(types.length > 0, "the publish workflow listens for a dispatch");
  for (const path of examples) assert.deepEqual(problemsOf(readFileSync(path, "utf8"), types), [], basename(path));
  assert.ok(steps(parseWorkflow(releaseWorkflow().text), isNotify).length > 0);
  const publish = parseWorkflow(publishWorkflow().text);
  assert.equal(steps(publish, isAwsCredentials).length, 1, "the publish workflow sets up AWS credentials, for a stack with the CDN on");
});

test("each rule catches a copy of the publish workflow broken for it", () => {
  const { path, text } = publishWorkflow();
  const workflow = parseWorkflow(text);
  const [deploy] = steps(workflow, isPulumiDeploy);
  const [aws] = steps(workflow, isAwsCredentials);
  const [login] = steps(workflow, (s) => PULUMI_LOGIN.test(s.run ?? ""));
  assert.ok(deploy && aws && login && aws.job === deploy.job);
  const job = deploy.job;
  const at = (i: number): (string | number)[] => ["jobs", job, "steps", i];
  const withoutIdToken = Object.fromEntries(Object.entries(workflow.jobs[job]?.permissions ?? {}).filter(([scope]) => scope !== "id-token"));

  const broken: [name: string, rule: Rule, edit: (d: Document) => void][] = [
    ["default-backend", "state-backend", (d) => d.deleteIn(at(login.index))],
    ["empty-backend-allowed", "state-backend", (d) => d.setIn([...at(login.index), "run"], (login.step.run ?? "").replace(PULUMI_LOGIN, 'pulumi login "$$$1"'))],
    ["backend-typed-in", "state-backend", (d) => d.setIn(["jobs", job, "env", PULUMI_LOGIN.exec(login.step.run ?? "")?.[1] ?? ""], "s3://someone-elses-bucket")],
    [
      "stored-keys",
      "aws-oidc",
      (d) => {
        d.deleteIn([...at(aws.index), "with", "role-to-assume"]);
        d.setIn([...at(aws.index), "with", "aws-access-key-id"], "${{ secrets.AWS_ACCESS_KEY_ID }}");
        d.setIn([...at(aws.index), "with", "aws-secret-access-key"], "${{ secrets.AWS_SECRET_ACCESS_KEY }}");
      },
    ],
    ["keys-in-env", "aws-oidc", (d) => d.setIn([...at(deploy.index), "env", "AWS_SECRET_ACCESS_KEY"], "${{ secrets.AWS_SECRET_ACCESS_KEY }}")],
    [
      "no-aws-credentials",
      "aws-oidc",
      (d) => {
        d.deleteIn(at(aws.index));
        d.setIn(["jobs", job, "permissions"], withoutIdToken);
      },
    ],
    [
      "aws-after-pulumi",
      "aws-oidc",
      (d) => {
        const node = d.getIn(at(aws.index), true);
        d.deleteIn(at(aws.index));
        d.addIn(["jobs", job, "steps"], node);
      },
    ],
    ["id-token-for-every-job", "permissions", (d) => d.set("permissions", { "id-token": "write" })],
    ["stack-in-script", "expression-in-run", (d) => d.setIn([...at(deploy.index), "run"], (deploy.step.run ?? "").replace(/"\$\{PULUMI_STACK[^"]*"/, "${{ vars.PULUMI_STACK }}"))],
  ];
  const dir = tempDir("broken-publish");
  try {
    const types = indexDispatchTypes();
    for (const [name, rule, edit] of broken) {
      const found = problemsOf(readFileSync(brokenCopy(dir, name, text, edit), "utf8"), types);
      assert.deepEqual([...new Set(found.map((p) => p.rule))], [rule], `${name}: ${found.map((p) => p.message).join(" | ") || "nothing found"}`);
    }
    assert.equal(readFileSync(path, "utf8"), text, "the example itself is untouched");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("each rule catches a copy of the release workflow broken for it", () => {
  const { path, text } = releaseWorkflow();
  const workflow = parseWorkflow(text);
  const only = (which: (s: Step) => boolean): StepAt => {
    const found = steps(workflow, which);
    assert.equal(found.length, 1);
    return found[0] as StepAt;
  };
  const attest = only(isAttest);
  const release = only(isRelease);
  const notify = only(isNotify);
  const firstDownload = workflow.jobs[release.job]?.steps.findIndex(isDownload) ?? -1;
  const guard = workflow.jobs[release.job]?.steps.findIndex((s) => Object.values(s.env ?? {}).some((v) => /needs\.[\w-]+\.outputs\./.test(String(v)))) ?? -1;
  const firstUses = workflow.jobs[attest.job]?.steps.findIndex((s) => s.uses !== undefined) ?? -1;
  // The job the attestations wait for: it builds, and writes nothing.
  const buildJob = [...upstreamJobs(workflow, attest.job)][0];
  assert.ok(guard >= 0 && firstDownload >= 0 && firstUses >= 0 && buildJob);

  const broken: [name: string, rule: Rule, edit: (d: Document) => void][] = [
    ["attests-wheels-only", "same-files", (d) => d.setIn(["jobs", attest.job, "steps", attest.index, "with", "subject-path"], "dist/*.whl")],
    ["releases-another-artifact", "same-files", (d) => d.setIn(["jobs", release.job, "steps", firstDownload, "with", "name"], "rebuilt")],
    ["release-unchecked", "same-files", (d) => d.deleteIn(["jobs", release.job, "steps", guard])],
    [
      "releases-first",
      "attest-before-release",
      (d) =>
        d.setIn(
          ["jobs", release.job, "needs"],
          [...upstreamJobs(workflow, release.job)].filter((j) => j !== attest.job),
        ),
    ],
    ["notifies-early", "notify-after-release", (d) => d.setIn(["jobs", notify.job, "needs"], attest.job)],
    ["tag-in-script", "expression-in-run", (d) => d.setIn(["jobs", release.job, "steps", release.index, "run"], (release.step.run ?? "").replaceAll('"$TAG"', '"${{ github.ref_name }}"'))],
    ["token-for-all", "permissions", (d) => d.set("permissions", { contents: "write", "id-token": "write" })],
    ["build-may-write", "permissions", (d) => d.setIn(["jobs", buildJob, "permissions"], { contents: "write" })],
    ["unpinned", "pinned", (d) => d.setIn(["jobs", attest.job, "steps", firstUses, "uses"], "actions/download-artifact@v8")],
    ["on-branches", "trigger", (d) => d.set("on", { push: { branches: ["main"] } })],
    ["dispatches-elsewhere", "dispatch-type", (d) => d.setIn(["jobs", notify.job, "steps", notify.index, "run"], (notify.step.run ?? "").replace(/event_type=\S+/, "event_type=released"))],
  ];
  const dir = tempDir("broken-workflows");
  try {
    const types = indexDispatchTypes();
    for (const [name, rule, edit] of broken) {
      const found = problemsOf(readFileSync(brokenCopy(dir, name, text, edit), "utf8"), types);
      assert.deepEqual([...new Set(found.map((p) => p.rule))], [rule], `${name}: ${found.map((p) => p.message).join(" | ") || "nothing found"}`);
    }
    assert.equal(readFileSync(path, "utf8"), text, "the example itself is untouched");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the release workflow's own scripts, run on real wheels and sdists: each wheel's <wheel>.metadata is the METADATA the index reads, the attested list is what dist/ holds, and a file nobody attested stops the release", async () => {
  const workflow = parseWorkflow(releaseWorkflow().text);
  const release = steps(workflow, isRelease)[0] as StepAt;
  const attest = steps(workflow, isAttest)[0] as StepAt;
  // The list the attest matrix runs over, and the job computing it.
  const list = /needs\.([\w-]+)\.outputs\.([\w-]+)/.exec(String(workflow.jobs[attest.job]?.strategy?.matrix?.file ?? ""));
  assert.ok(list, "the attest job runs over a list of files the build job computed");
  const [, buildJob = "", output = ""] = list;
  const build = workflow.jobs[buildJob];
  assert.ok(build);
  const python = (job: string): Step[] => workflow.jobs[job]?.steps.filter((s) => s.shell === "python" && s.run) ?? [];

  const dir = tempDir("release-run");
  try {
    // dist/ as `uv build` leaves it: the distributions and a .gitignore of its own.
    mkdirSync(join(dir, "dist"));
    const demo = ["demo_core-2.0.0-py3-none-any.whl", "demo_core-2.0.0.tar.gz"];
    for (const f of demo) writeFileSync(join(dir, "dist", f), readFileSync(join(demoDists, f)));
    // A wheel vendoring another project, whose .dist-info comes first in the archive.
    const vendoring = makeWheel({ name: "acme-tool", version: "1.0", summary: "ours", otherDistInfo: [{ name: "vendored", version: "9.9" }] });
    writeFileSync(join(dir, "dist", vendoring.filename), vendoring.bytes);
    writeFileSync(join(dir, "dist", ".gitignore"), "*\n");
    const githubOutput = join(dir, "github-output");
    writeFileSync(githubOutput, "");
    const runStep = async (step: Step, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> => {
      const script = join(dir, "step.py");
      writeFileSync(script, step.run ?? "");
      const r = await run("python3", [script], { cwd: dir, env: { GITHUB_OUTPUT: githubOutput, ...env } });
      rmSync(script);
      return r;
    };
    for (const step of python(buildJob)) {
      const r = await runStep(step, {});
      assert.equal(r.code, 0, `${step.name}: ${r.stderr}`);
    }

    const wheels = readdirSync(join(dir, "dist"))
      .filter((f) => f.endsWith(".whl"))
      .sort();
    assert.deepEqual(
      readdirSync(join(dir, "metadata")).sort(),
      wheels.map((w) => `${w}.metadata`),
    );
    for (const wheel of wheels) {
      const parsed = parseFilename(wheel);
      assert.ok(parsed.ok);
      const theirs = await readMetadataBytes(join(dir, "dist", wheel), parsed.value);
      assert.ok(theirs);
      assert.deepEqual(new Uint8Array(readFileSync(join(dir, "metadata", `${wheel}.metadata`))), theirs.bytes, wheel);
    }
    assert.deepEqual(readFileSync(join(dir, "metadata", `${vendoring.filename}.metadata`)), Buffer.from(vendoring.metadata), "the wheel's own METADATA, not the vendored one");

    // The job output the attest matrix runs over: the distributions, the hidden file left out.
    const stepOutput = /\$\{\{\s*steps\.[\w-]+\.outputs\.([\w-]+)\s*\}\}/.exec(build.outputs?.[output] ?? "")?.[1];
    const written = new Map(
      readFileSync(githubOutput, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const),
    );
    const attested = written.get(stepOutput ?? "");
    assert.ok(attested);
    assert.deepEqual(JSON.parse(attested), [...wheels, "demo_core-2.0.0.tar.gz"].sort());

    // The release job's check, given that list through its env, as the runner would.
    const guard = python(release.job);
    assert.equal(guard.length, 1);
    const guardEnv = (): NodeJS.ProcessEnv =>
      Object.fromEntries(Object.entries(guard[0]?.env ?? {}).map(([k, v]) => [k, new RegExp(`needs\\.${buildJob}\\.outputs\\.${output}\\b`).test(String(v)) ? attested : String(v)]));
    rmSync(join(dir, "dist", ".gitignore")); // upload-artifact leaves hidden files out
    assert.equal((await runStep(guard[0] as Step, guardEnv())).code, 0);
    writeFileSync(join(dir, "dist", "sneaked_in-1.0-py3-none-any.whl"), "x");
    const refused = await runStep(guard[0] as Step, guardEnv());
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /sneaked_in-1\.0-py3-none-any\.whl/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
