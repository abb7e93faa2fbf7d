/** The Pulumi program under Pulumi's own mocks: stack config through the shared schema, the resources it declares, its outputs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { readIndexSettings } from "../infra/index-settings.js";
import { readStackConfig } from "../infra/stack-config.js";
import { clientSnippets } from "../infra/outputs/client-snippets.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { repoRoot } from "./helpers/paths.js";

interface Declared {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const declared: Declared[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      declared.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
      const state: Record<string, unknown> = { ...args.inputs };
      if (args.type === "github:index/team:Team") state.slug = String(args.inputs.name).toLowerCase();
      return { id: `${args.name}-id`, state };
    },
    call: (args) => args.inputs,
  },
  "github-pypi",
  "dev",
);

function withConfig(values: Record<string, string>): void {
  pulumi.runtime.setAllConfig(values);
}

/** An Output's value under mocks. */
function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

test("stack config is read through the same schema as the CLI's --config", () => {
  withConfig({
    "github-pypi:title": "Acme",
    "github-pypi:indexMaxAgeSeconds": "60",
    "github-pypi:yanked": JSON.stringify({ "acme-data": { "2.1.0": "bad" } }),
  });
  const s = readIndexSettings(new pulumi.Config("github-pypi"));
  assert.equal(s.title, "Acme");
  assert.equal(s.indexMaxAgeSeconds, 60);
  assert.deepEqual(s.yanked, { "acme-data": { "2.1.0": "bad" } });
});

test("every key has its default, and sources, teams and cdn are typed objects", () => {
  withConfig({
    "github-pypi:sources": JSON.stringify({ org: "acme", topics: ["python"], includePrivate: true }),
    "github-pypi:teams": JSON.stringify([{ name: "Data", permission: "push", members: ["ann"] }]),
  });
  const c = readStackConfig(new pulumi.Config("github-pypi"));
  assert.equal(c.indexRepository, "pypi");
  assert.equal(c.pagesBranch, "gh-pages");
  assert.equal(c.files, "link");
  assert.deepEqual(c.sources, { org: "acme", topics: ["python"], repositories: [], includePrivate: true, includeArchived: false, tags: true, localDirs: [], packageList: [], packageListJson: [] });
  assert.deepEqual(c.teams, [{ name: "Data", permission: "push", members: ["ann"], maintainers: [] }]);
  assert.equal(c.cdn.enabled, false);
});

test("the worked example Pulumi.dev.yaml is valid stack config", () => {
  const example = parseYaml(readFileSync(join(repoRoot, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
  // Pulumi hands every value to the program as a string; objects arrive as JSON.
  withConfig(Object.fromEntries(Object.entries(example.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));
  const c = readStackConfig();
  assert.equal(c.sources.org, "acme");
  assert.deepEqual(c.teams.map((t) => [t.name, t.permission]), [["Data Engineering", "push"], ["Python Readers", "pull"]]);
});

test("a bad or unknown stack config key is an error naming the key", () => {
  withConfig({ "github-pypi:yanked": JSON.stringify({ "acme-data": ["2.1.0"] }) });
  assert.throws(() => readIndexSettings(new pulumi.Config("github-pypi")), /stack config \(github-pypi:\*\): invalid configuration\n\s+yanked\.acme-data:/);
  withConfig({ "github-pypi:teams": JSON.stringify([{ name: "Data", permission: "write" }]) });
  assert.throws(() => readStackConfig(), /teams\.0\.permission: Invalid option: expected one of "pull"\|"triage"\|"push"\|"maintain"\|"admin"/);
  withConfig({ "github-pypi:team": "[]" });
  assert.throws(() => readStackConfig(), /unknown key\(s\) github-pypi:team; known: title, /);
  withConfig({ "github-pypi:sources": JSON.stringify({ org: "acme", repos: ["x"] }) });
  assert.throws(() => readStackConfig(), /sources: Unrecognized key: "repos"/);
  withConfig({ "github-pypi:teams": JSON.stringify([{ name: "A", permission: "pull" }, { name: "a", permission: "push" }]) });
  assert.throws(() => readStackConfig(), /teams: team names must be unique/);
});

test("client snippets never use --extra-index-url and pin uv packages to the explicit index", () => {
  const s = clientSnippets("https://acme.github.io/pypi/simple/", "acme", "acme-core");
  assert.equal(s.requirementsTxt, "--index-url https://acme.github.io/pypi/simple/");
  assert.match(s.uv, /explicit = true/);
  assert.match(s.uv, /\[tool\.uv\.sources\]\nacme-core = \{ index = "acme" \}/);
  assert.match(s.poetry, /priority = "primary"/);
  assert.match(s.condaEnvironment, /- --index-url https:\/\/acme\.github\.io\/pypi\/simple\//);
  for (const text of Object.values(s)) assert.doesNotMatch(text, /extra-index-url/);
});

test("the program declares the index repository, Pages on the pages branch, and the teams with members and repository permissions", async () => {
  declared.length = 0;
  withConfig({
    "github:owner": "Acme",
    "github-pypi:title": "Acme",
    "github-pypi:indexRepository": "python-index",
    "github-pypi:yanked": JSON.stringify({ a: { "1.0": true, "2.0": "x" } }),
    "github-pypi:sources": JSON.stringify({ org: "acme", repositories: ["acme/core", "acme/tools-*"] }),
    "github-pypi:teams": JSON.stringify([
      { name: "Data Eng", permission: "push", members: ["ann"], maintainers: ["bob"] },
      { name: "Readers", permission: "pull", members: ["cy"], repositories: ["python-index"] },
    ]),
  });
  const program = await import("../infra/index.js");
  assert.equal(program.title, "Acme");
  assert.equal(program.yankedReleases, 2);
  assert.equal(await valueOf(program.pagesUrl), "https://acme.github.io/python-index/");
  assert.equal(await valueOf(program.indexUrl), "https://acme.github.io/python-index/simple/");
  assert.match((await valueOf(program.snippets)).pipConf, /index-url = https:\/\/acme\.github\.io\/python-index\/simple\//);

  // These resolve only once the resources are registered.
  assert.equal(await valueOf(program.indexRepository), "python-index");
  assert.deepEqual(await valueOf(program.teamGrants), ["Data Eng → python-index: push", "Data Eng → core: push", "Readers → python-index: pull"]);
  const of = (type: string) => declared.filter((d) => d.type === type);
  const repo = of("github:index/repository:Repository");
  assert.equal(repo.length, 1);
  assert.equal(repo[0]?.inputs.name, "python-index");
  assert.equal(repo[0]?.inputs.autoInit, true);
  assert.equal(repo[0]?.inputs.visibility, "public");
  const pages = of("github:index/repositoryPages:RepositoryPages");
  assert.deepEqual(pages[0]?.inputs.source, { branch: "gh-pages", path: "/" });
  assert.equal(of("github-pypi:pages:IndexRepository").length, 1);
  assert.equal(of("github-pypi:access:Teams").length, 1);

  assert.deepEqual(of("github:index/team:Team").map((t) => t.inputs.name), ["Data Eng", "Readers"]);
  const members = of("github:index/teamMembers:TeamMembers").map((m) => m.inputs.members);
  members.sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length);
  assert.deepEqual(members, [
    [
      { username: "bob", role: "maintainer" },
      { username: "ann", role: "member" },
    ],
    [{ username: "cy", role: "member" }],
  ]);
  // Default repositories: the index and every exactly named source repository (globs need discovery).
  const access = of("github:index/teamRepository:TeamRepository").map((r) => `${r.inputs.repository}:${r.inputs.permission}`);
  assert.deepEqual(access.sort(), ["core:push", "python-index:pull", "python-index:push"]);
});
