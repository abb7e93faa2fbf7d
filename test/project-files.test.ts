/** The files a newcomer copies (Pulumi.yaml, the workflows) agree with the code that reads them. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse as parseYaml } from "yaml";
import { STACK_KEYS } from "../infra/config/stack-schema.js";
import { repoRoot } from "./helpers/paths.js";

const readYaml = <T>(path: string): T => parseYaml(readFileSync(join(repoRoot, path), "utf8")) as T;

test("Pulumi.yaml runs infra/ through tsx and documents exactly the stack keys the schema reads", () => {
  const project = readYaml<{ name: string; main: string; runtime: { name: string; options: Record<string, unknown> }; config: Record<string, { description?: string }> }>("Pulumi.yaml");
  assert.equal(project.name, "github-pypi");
  assert.equal(project.main, "infra/");
  assert.equal(project.runtime.name, "nodejs");
  assert.equal(project.runtime.options.nodeargs, "--import tsx");
  assert.equal(project.runtime.options.typescript, false, "Pulumi's ts-node must not compete with tsx");
  const documented = Object.keys(project.config)
    .filter((k) => k.startsWith("github-pypi:"))
    .map((k) => k.slice("github-pypi:".length));
  assert.deepEqual([...documented].sort(), [...STACK_KEYS].sort());
  for (const [key, spec] of Object.entries(project.config)) assert.ok(spec.description && spec.description.length > 20, `${key} is described`);
  // Pulumi applies a project default as if the stack had set it; files must stay unset so a private index can default to mirror.
  assert.equal((project.config["github-pypi:files"] as Record<string, unknown>).default, undefined);
});

test("the publish workflow runs pulumi up on a schedule and on the dispatch the release example sends, never two at once", () => {
  type Workflow = {
    on: Record<string, unknown>;
    concurrency: { group: string; "cancel-in-progress": boolean };
    jobs: Record<string, { env?: Record<string, string>; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>;
  };
  const publish = readYaml<Workflow>(".github/workflows/publish-index.yml");
  // The index repository's workflow is the example a newcomer copies, byte for byte.
  assert.equal(readFileSync(join(repoRoot, ".github/workflows/publish-index.yml"), "utf8"), readFileSync(join(repoRoot, "examples/publish-index.yml"), "utf8"));
  const schedule = publish.on.schedule as { cron: string }[];
  assert.equal(schedule[0]?.cron.split(" ").length, 5);
  const dispatchTypes = (publish.on.repository_dispatch as { types: string[] }).types;
  assert.equal(publish.concurrency["cancel-in-progress"], false);
  const job = publish.jobs.up;
  assert.ok(job);
  // The CLI from Pulumi's action, then `pulumi up` on the backend the run logged in to (never Pulumi Cloud by default).
  assert.ok(job.steps.some((s) => s.uses?.startsWith("pulumi/actions@")));
  const login = job.steps.findIndex((s) => s.run?.startsWith("pulumi login ") && s.run.includes("PULUMI_BACKEND_URL"));
  const up = job.steps.findIndex((s) => s.run?.startsWith("pulumi up "));
  assert.ok(login >= 0 && up > login, "pulumi up runs after pulumi login to the named backend");
  assert.ok(job.steps.some((s) => s.run === "npm ci"));
  // The cache step keeps exactly the folder the program works in (GITHUB_PYPI_WORK_DIR; test/pulumi-program.test.ts shows the program uses it).
  const cache = job.steps.find((s) => s.uses?.startsWith("actions/cache@"));
  assert.ok(job.env?.GITHUB_PYPI_WORK_DIR?.includes(`/${String(cache?.with?.path)}/`));

  const notify = readYaml<Workflow>("examples/notify-index-on-release.yml");
  assert.deepEqual((notify.on.release as { types: string[] }).types, ["published"]);
  const sent = /event_type=(\S+)/.exec(notify.jobs.notify?.steps[0]?.run ?? "")?.[1];
  assert.ok(sent && dispatchTypes.includes(sent), `the example sends ${sent}, which the publish workflow listens for`);
});

test("Pulumi.dev.yaml's people are placeholders no GitHub login can be (team membership is authoritative)", () => {
  type Team = { members?: string[]; maintainers?: string[] };
  const stack = readYaml<{ config: Record<string, unknown> }>("Pulumi.dev.yaml");
  const teams = (stack.config["github-pypi:teams"] ?? []) as Team[];
  const people = teams.flatMap((t) => [...(t.members ?? []), ...(t.maintainers ?? [])]);
  assert.ok(people.length > 0, "the example shows where people go");
  // GitHub logins: letters, digits and single hyphens, up to 39, not starting with a hyphen.
  const login = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
  assert.deepEqual(
    people.filter((p) => login.test(p)),
    [],
    "a copy left as it is would invite these accounts",
  );
});
