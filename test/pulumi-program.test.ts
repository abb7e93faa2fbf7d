/** The Pulumi program under Pulumi's own mocks: stack config through the shared schema, the resources it declares, its outputs. */
import { folderObjects } from "./helpers/site.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "../infra/config/stack-config.js";
import { clientSnippets, type ClientSnippets } from "../infra/outputs/client-snippets.js";
import { readFileSync, writeFileSync } from "node:fs";
import { makeWheel } from "./helpers/python-dists.js";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { demoDists, repoRoot, tempDir } from "./helpers/paths.js";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { acmeOrg } from "./helpers/github-org.js";
import { defineStack } from "../infra/stack.js";
import { siteManifest } from "../infra/publish/site-manifest.js";
import { after, before } from "node:test";

interface Declared {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const declared: Declared[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      const inputs = args.inputs as Record<string, unknown>;
      declared.push({ type: args.type, name: args.name, inputs });
      const state: Record<string, unknown> = { ...inputs };
      if (args.type === "github:index/team:Team") state.slug = String(inputs.name).toLowerCase();
      if (args.type.endsWith(":SitePublication")) Object.assign(state, { commit: "c0ffee", lastPublish: { added: 1, changed: 0, deleted: 0, blobs: 0, requests: 5, attempts: 1 } });
      return { id: `${args.name}-id`, state };
    },
    call: (args) => args.inputs as Record<string, unknown>,
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
    "github-pypi:namespaces": JSON.stringify(["acme", "Acme.Internal"]),
  });
  const s = readStackConfig(new pulumi.Config("github-pypi"));
  assert.equal(s.title, "Acme");
  assert.deepEqual(s.namespaces, ["acme", "Acme.Internal"], "as spelt: the grants normalise them");
  assert.equal(s.indexMaxAgeSeconds, 60);
  assert.deepEqual(s.yanked, { "acme-data": { "2.1.0": "bad" } });
});

test("a namespace that overlaps another spelling is an error naming github-pypi:namespaces", () => {
  withConfig({ "github-pypi:namespaces": JSON.stringify(["acme", "ACME"]) });
  assert.throws(() => readStackConfig(new pulumi.Config("github-pypi")), /namespaces.*"ACME" and "acme" are the same namespace/s);
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
  assert.deepEqual(c.sources, { org: "acme", topics: ["python"], repositories: [], includePrivate: true, includeArchived: true, tags: true, localDirs: [], packageList: [], packageListJson: [] });
  assert.deepEqual(c.teams, [{ name: "Data", permission: "push", members: ["ann"], maintainers: [] }]);
  assert.equal(c.cdn.enabled, false);
});

test("the worked example Pulumi.dev.yaml is valid stack config", () => {
  const example = parseYaml(readFileSync(join(repoRoot, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
  // Pulumi hands every value to the program as a string; objects arrive as JSON.
  withConfig(Object.fromEntries(Object.entries(example.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));
  const c = readStackConfig();
  assert.equal(c.sources.org, "acme");
  assert.deepEqual(
    c.teams.map((t) => [t.name, t.permission]),
    [
      ["Data Engineering", "push"],
      ["Python Readers", "pull"],
    ],
  );
});

test("a bad or unknown stack config key is an error naming the key", () => {
  withConfig({ "github-pypi:yanked": JSON.stringify({ "acme-data": ["2.1.0"] }) });
  assert.throws(() => readStackConfig(new pulumi.Config("github-pypi")), /stack config \(github-pypi:\*\): invalid configuration\n\s+yanked\.acme-data:/);
  withConfig({ "github-pypi:teams": JSON.stringify([{ name: "Data", permission: "write" }]) });
  assert.throws(() => readStackConfig(), /teams\.0\.permission: Invalid option: expected one of "pull"\|"triage"\|"push"\|"maintain"\|"admin"/);
  withConfig({ "github-pypi:team": "[]" });
  assert.throws(() => readStackConfig(), /unknown key github-pypi:team; known: title, /);
  withConfig({ "github-pypi:sources": JSON.stringify({ org: "acme", repos: ["x"] }) });
  assert.throws(() => readStackConfig(), /sources: Unrecognized key: "repos"/);
  withConfig({
    "github-pypi:teams": JSON.stringify([
      { name: "A", permission: "pull" },
      { name: "a", permission: "push" },
    ]),
  });
  assert.throws(() => readStackConfig(), /teams: team names must be unique/);
});

test("client snippets put the index first for every name (dependencies too), PyPI only behind it without an upstream", () => {
  const url = "https://acme.github.io/pypi/simple/";
  const s = clientSnippets(url, "acme", "acme-core");
  assert.equal(s.requirementsTxt, `--index-url ${url}`);
  // Without an upstream: uv asks the index first (first-index strategy), Poetry asks PyPI only for what the index lacks.
  assert.equal(s.uv, `[[tool.uv.index]]\nname = "acme"\nurl = "${url}"\n`);
  assert.equal(s.poetry, `[[tool.poetry.source]]\nname = "acme"\nurl = "${url}"\npriority = "primary"\n\n[[tool.poetry.source]]\nname = "PyPI"\npriority = "supplemental"\n`);
  assert.match(s.condaEnvironment, /- --index-url https:\/\/acme\.github\.io\/pypi\/simple\//);
  // One URL: the index is the only index.
  const one = clientSnippets(url, "acme", "acme-core", false, true);
  assert.equal(one.uv, `[[tool.uv.index]]\nname = "acme"\nurl = "${url}"\ndefault = true\n`);
  assert.equal(one.poetry, `[[tool.poetry.source]]\nname = "acme"\nurl = "${url}"\npriority = "primary"\n`);
  // An explicit index or source is not searched for dependencies; an extra index lets PyPI answer for them.
  for (const text of [s, one].flatMap((x) => Object.values(x as Record<keyof ClientSnippets, string>))) assert.doesNotMatch(text, /extra-index-url|explicit|tool\.uv\.sources/);
});

const TOKEN = "ghp_programTestToken";
let gh: GitHubEmulator;
before(async () => {
  gh = await GitHubEmulator.start({ token: TOKEN });
  gh.setOrg("acme", (await acmeOrg()).repos);
  process.env.GITHUB_PYPI_WORK_DIR = tempDir("stack-work");
});
after(async () => {
  await gh.close();
});

const of = (type: string) => declared.filter((d) => d.type === type);

test("the program builds the index from the organisation at deploy time, publishes it, and grants the teams every indexed repository", async () => {
  declared.length = 0;
  withConfig({
    "github:owner": "Acme",
    "github:token": TOKEN,
    "github:baseUrl": `${gh.apiUrl}/`,
    "github-pypi:title": "Acme",
    "github-pypi:indexRepository": "python-index",
    "github-pypi:yanked": JSON.stringify({ "acme-core": { "1.0.0": true, "1.1.0": "x" } }),
    "github-pypi:sources": JSON.stringify({ org: "acme", topics: ["python"] }),
    "github-pypi:teams": JSON.stringify([
      { name: "Data Eng", permission: "push", members: ["ann"], maintainers: ["bob"] },
      { name: "Readers", permission: "pull", members: ["cy"], repositories: ["python-index"] },
    ]),
  });
  gh.clearRequests();
  const program = await import("../infra/index.js");
  assert.ok(gh.requests.length > 0, "discovery ran against the configured API (github:baseUrl)");
  assert.equal(program.title, "Acme");
  assert.equal(program.yankedReleases, 2);
  assert.equal(program.projects, 5, "acme-core, acme-app, acme-legacy (archived, marked so), and from tags acme-tagged and tagged (a tag with no project file falls back to the repository name)");
  assert.equal(await valueOf(program.pagesUrl), "https://acme.github.io/python-index/");
  assert.equal(await valueOf(program.indexUrl), "https://acme.github.io/python-index/simple/");
  const snippets = await valueOf(program.snippets);
  assert.match(snippets.pipConf, /index-url = https:\/\/acme\.github\.io\/python-index\/simple\//);
  assert.match(snippets.condaEnvironment, /\n {6}- acme-app\n/, "snippets show a real project");
  assert.deepEqual(await valueOf(program.publication), { commit: "c0ffee", lastPublish: { added: 1, changed: 0, deleted: 0, blobs: 0, requests: 5, attempts: 1 } });
  // These resolve only once the resources are registered.
  assert.equal(await valueOf(program.indexRepository), "python-index");

  const repo = of("github:index/repository:Repository");
  assert.equal(repo.length, 1);
  assert.equal(repo[0]?.inputs.name, "python-index");
  assert.equal(repo[0]?.inputs.autoInit, true);
  assert.equal(repo[0]?.inputs.visibility, "public");
  const pages = of("github:index/repositoryPages:RepositoryPages");
  assert.deepEqual(pages[0]?.inputs.source, { branch: "gh-pages", path: "/" });
  assert.equal(of("github-pypi:pages:IndexRepository").length, 1);
  assert.equal(of("github-pypi:access:Teams").length, 1);

  // The publication: the site built from the organisation, as a manifest of git blob ids.
  const [publication] = of("pulumi-nodejs:dynamic/publish:SitePublication");
  assert.ok(publication);
  const { files, siteDir, ...rest } = publication.inputs as { files: Record<string, string>; siteDir: string } & Record<string, unknown>;
  assert.deepEqual(files, siteManifest(await folderObjects(siteDir)), "the manifest describes the folder the provider will read");
  for (const path of [".nojekyll", "index.html", "simple/index.html", "simple/index.json", "simple/acme-core/index.json", "simple/acme-tagged/index.html", "simple/acme-legacy/index.json"])
    assert.ok(files[path], path);
  assert.ok(!Object.keys(files).some((p) => p.includes("acme-secret") || p.includes("acme-js")));
  assert.equal(files[".github-pypi/access.json"], undefined, "the access map is baked into the edge, never published on Pages");
  assert.match(String(rest.__provider), /exports\.handler/, "the provider is serialised into the resource");
  assert.deepEqual(
    { apiUrl: rest.apiUrl, owner: rest.owner, repository: rest.repository, branch: rest.branch, message: rest.message },
    { apiUrl: gh.apiUrl, owner: "Acme", repository: "python-index", branch: "gh-pages", message: "Publish Acme: 5 projects, 9 files" },
  );
  assert.doesNotMatch(JSON.stringify(publication.inputs), new RegExp(TOKEN), "the token never enters the publication's inputs or state");

  assert.deepEqual(
    of("github:index/team:Team").map((t) => t.inputs.name),
    ["Data Eng", "Readers"],
  );
  const members = of("github:index/teamMembers:TeamMembers").map((m) => m.inputs.members);
  members.sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length);
  assert.deepEqual(members, [
    [
      { username: "bob", role: "maintainer" },
      { username: "ann", role: "member" },
    ],
    [{ username: "cy", role: "member" }],
  ]);
  // Default repositories: the index and every repository discovery indexed (archived ones too; not the private or filtered ones).
  const access = of("github:index/teamRepository:TeamRepository").map((r) => `${String(r.inputs.repository)}:${String(r.inputs.permission)}`);
  assert.deepEqual(access.sort(), ["app:push", "core:push", "legacy:push", "python-index:pull", "python-index:push", "tagged:push"]);
  assert.deepEqual((await valueOf(program.teamGrants)).sort(), [
    "Data Eng → app: push",
    "Data Eng → core: push",
    "Data Eng → legacy: push",
    "Data Eng → python-index: push",
    "Data Eng → tagged: push",
    "Readers → python-index: pull",
  ]);
});

test("local sources only: no GitHub request, a CNAME file for the custom domain, and the project count", async () => {
  declared.length = 0;
  withConfig({
    "github:owner": "acme",
    "github:baseUrl": gh.apiUrl,
    "github-pypi:cname": "pypi.acme.example",
    "github-pypi:sources": JSON.stringify({ localDirs: [demoDists] }),
    "github-pypi:files": "mirror",
  });
  gh.clearRequests();
  const outputs = await defineStack();
  await valueOf(outputs.publication); // registered
  assert.equal(gh.requests.length, 0);
  assert.equal(outputs.projects, 4);
  assert.equal(await valueOf(outputs.pagesUrl), "https://pypi.acme.example/");
  const publication = of("pulumi-nodejs:dynamic/publish:SitePublication").at(-1);
  const files = publication?.inputs.files as Record<string, string>;
  assert.ok(files.CNAME);
  assert.equal(readFileSync(join(String(publication?.inputs.siteDir), "CNAME"), "utf8"), "pypi.acme.example\n");
  // The site (and the GitHub cache beside it) live in GITHUB_PYPI_WORK_DIR, the folder the publish workflow caches.
  assert.equal(String(publication?.inputs.siteDir), join(String(process.env.GITHUB_PYPI_WORK_DIR), "site"));
  assert.ok(
    Object.keys(files).some((p) => p.endsWith(".whl")),
    "local distributions are copied into the site",
  );
  assert.deepEqual(of("github:index/repositoryPages:RepositoryPages").at(-1)?.inputs.cname, "pypi.acme.example");
});

test("at deploy time a published file keeps its bytes, unless github-pypi:replaceFiles names it (as build --replace-file)", async () => {
  const dists = tempDir("stack-replace-dists");
  const wheel = makeWheel({ name: "acme-swap", version: "1.0.0" });
  writeFileSync(join(dists, wheel.filename), wheel.bytes);
  const config = { "github:owner": "acme", "github:baseUrl": gh.apiUrl, "github-pypi:sources": JSON.stringify({ localDirs: [dists] }), "github-pypi:files": "mirror" };
  const saved = process.env.GITHUB_PYPI_WORK_DIR;
  process.env.GITHUB_PYPI_WORK_DIR = tempDir("stack-replace-work");
  try {
    withConfig(config);
    await valueOf((await defineStack()).publication);
    // Other bytes under the same name: a rebuilt wheel uploaded again.
    writeFileSync(join(dists, wheel.filename), makeWheel({ name: "acme-swap", version: "1.0.0", summary: "rebuilt" }).bytes);
    withConfig(config);
    await assert.rejects(defineStack(), new RegExp(`files/acme-swap/${wheel.filename.replace(/[.+]/g, "\\$&")}: published with sha256 [0-9a-f]{64}, now [0-9a-f]{64}`));
    withConfig({ ...config, "github-pypi:replaceFiles": JSON.stringify([wheel.filename]) });
    await valueOf((await defineStack()).publication);
  } finally {
    if (saved === undefined) delete process.env.GITHUB_PYPI_WORK_DIR;
    else process.env.GITHUB_PYPI_WORK_DIR = saved;
  }
});

test("with no sources at all, the stack indexes its own organisation (github:owner)", async () => {
  declared.length = 0;
  withConfig({ "github:owner": "acme", "github:token": TOKEN, "github:baseUrl": gh.apiUrl });
  gh.clearRequests();
  const outputs = await defineStack();
  assert.ok(gh.requests.some((r) => r.url.startsWith("/orgs/acme/repos")));
  assert.equal(outputs.projects, 6, "acme-js joins: no topic filter");
  await Promise.all([valueOf(outputs.publication), valueOf(outputs.teamGrants), valueOf(outputs.indexRepository)]); // every registration is in
});

test("a source that fails stops the deployment with the generator's own error, before any resource is declared", async () => {
  declared.length = 0;
  withConfig({ "github:owner": "acme", "github-pypi:sources": JSON.stringify({ localDirs: [join(tempDir("empty"), "missing")] }) });
  await assert.rejects(defineStack(), /missing/);
  withConfig({ "github:owner": "acme", "github:baseUrl": gh.apiUrl, "github:token": "wrong", "github-pypi:sources": JSON.stringify({ org: "acme" }) });
  await assert.rejects(defineStack(), /GitHub: listing the repositories of organisation acme failed with HTTP 401/);
  withConfig({ "github:owner": "acme", "github-pypi:sources": JSON.stringify({ org: "acme", includePrivate: "yes" }) });
  await assert.rejects(defineStack(), /sources\.includePrivate: Invalid input: expected boolean/);
  assert.equal(declared.length, 0);
});
