/**
 * The whole stack from config: build the index from the sources, create the index repository,
 * publish the site to its Pages branch as one commit, and manage team access.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkUpstream, describeUpstreamCheck, reservedNames } from "../generator/upstream/check-upstream.js";
import { claimedGlobNotices } from "../generator/upstream/claimed-globs.js";
import { namespaceGrants } from "../generator/names/namespaces.js";
import { readStackConfig } from "./config/stack-config.js";
import type { StackConfig } from "./config/stack-schema.js";
import type { UpstreamSettings } from "../generator/protocol/upstream-settings.js";
import { routedUpstream } from "../generator/upstream/routed-upstream.js";
import { buildIndexForStack } from "./build/build-index.js";
import { IndexRepository } from "./pages/index-repository.js";
import { Teams } from "./access/teams.js";
import { Cdn } from "./cdn/cdn.js";
import { bucketManifest } from "./cdn/bucket-manifest.js";
import { UserError } from "../generator/diagnostics/warnings.js";
import { clientSnippets, type ClientSnippets } from "./outputs/client-snippets.js";
import type { PublishFigures } from "./publish/git-data-provider.js";
import type { BuiltIndex } from "./build/build-index.js";
import { sharedProjects } from "../generator/serving/access/access-map.js";
import { CHECK_UPSTREAM_DEFAULT_LIMIT, DEFAULT_GATE_GRANTED_TTL_SECONDS, DEFAULT_GATE_REFUSED_TTL_SECONDS, DEFAULT_GITHUB_API_URL } from "../generator/config/defaults.js";
import { plural } from "../generator/diagnostics/plural.js";

export interface StackOutputs {
  title: string;
  indexMaxAgeSeconds: number;
  yankedReleases: number;
  projects: number;
  /** Undefined for a private index (`cdn.access: github`): Pages is off. */
  pagesUrl: pulumi.Output<string | undefined>;
  /** public, or github: a private index behind the CDN's access gate. */
  access: "public" | "github";
  /** With the CDN on: its URL, which is then the canonical index (indexUrl points at it). */
  cdnUrl: pulumi.Output<string | undefined>;
  indexUrl: pulumi.Output<string>;
  snippets: pulumi.Output<ClientSnippets>;
  indexRepository: pulumi.Output<string>;
  teamGrants: pulumi.Output<string[]>;
  /** The site's commit on the Pages branch; undefined for a private index, which publishes to its bucket only. */
  publication: pulumi.Output<{ commit: string; lastPublish: PublishFigures } | undefined>;
}

/** A config secret's plain value: discovery needs the token while the program runs, not as an Output. */
function secretValue(o: pulumi.Output<string> | undefined): Promise<string | undefined> {
  return o ? new Promise((resolve) => o.apply((v) => resolve(v))) : Promise.resolve(undefined);
}

/** Where the build and its GitHub cache live between runs: `.github-pypi/<stack>` in the project, or GITHUB_PYPI_WORK_DIR (CI caches it). */
function workDir(): string {
  return process.env.GITHUB_PYPI_WORK_DIR || `.github-pypi/${pulumi.getStack()}`;
}

export async function defineStack(): Promise<StackOutputs> {
  const config = readStackConfig();
  const gh = new pulumi.Config("github");
  const owner = gh.require("owner");
  // GitHub Enterprise Server: the provider's own github:baseUrl (https://HOST/api/v3/).
  const apiUrl = (gh.get("baseUrl") || DEFAULT_GITHUB_API_URL).replace(/\/+$/, "");
  const token = (await secretValue(gh.getSecret("token"))) || process.env.GITHUB_TOKEN || undefined;

  const built = await buildIndexForStack(config, {
    owner,
    apiUrl,
    ...(token ? { token } : {}),
    workDir: workDir(),
    log: { info: (m) => void pulumi.log.info(m), warn: (m) => void pulumi.log.warn(m) },
  });

  const index = new IndexRepository("index", {
    owner,
    name: config.indexRepository,
    title: config.title,
    pagesBranch: config.pagesBranch,
    private: config.cdn.access === "github",
    ...(config.cname ? { cname: config.cname } : {}),
    site: {
      apiUrl,
      siteDir: built.siteDir,
      files: built.files,
      message: `Publish ${config.title}: ${plural(built.projects, "project")}, ${plural(built.distributions, "file")}`,
    },
  });

  // Teams reach the index and every indexed repository of this organisation (others are not theirs to grant).
  const ownRepositories = built.repositories.filter((r) => r.split("/")[0]?.toLowerCase() === owner.toLowerCase()).map((r) => r.split("/")[1] ?? r);
  const teams = new Teams("teams", { teams: config.teams, defaultRepositories: [...new Set([config.indexRepository, ...ownRepositories])] });

  if (config.upstream && !config.cdn.enabled) {
    // GitHub Pages is static: nothing there can answer a name it does not hold with a redirect.
    pulumi.log.warn(
      `warning[upstream-not-served]: github-pypi:upstream is recorded in the site, but GitHub Pages alone cannot send other names to ${config.upstream.url}; ` +
        "enable the CDN (github-pypi:cdn), or put the index before PyPI on Pages (uv: an [[tool.uv.index]] that is not explicit; Poetry: a primary source with PyPI as supplemental), see the README",
    );
  }
  // At preview, where a person reviews the change: which of our names the upstream also holds.
  if (config.upstream && pulumi.runtime.isDryRun()) await checkUpstreamAtPreview(config, config.upstream, Object.keys(built.accessMap.projects), built.repositories);
  const cdn = config.cdn.enabled ? defineCdn(config, built, { owner, apiUrl }) : undefined;
  const baseUrl = cdn ? cdn.url : index.pagesUrl.apply((u) => u ?? "");
  const indexUrl = baseUrl.apply((u) => `${u}simple/`);
  return {
    title: config.title,
    indexMaxAgeSeconds: config.indexMaxAgeSeconds,
    yankedReleases: Object.values(config.yanked).reduce((n, versions) => n + Object.keys(versions).length, 0),
    projects: built.projects,
    pagesUrl: index.pagesUrl,
    access: config.cdn.access,
    cdnUrl: cdn ? cdn.url : pulumi.output(undefined),
    indexUrl,
    snippets: indexUrl.apply((u) => clientSnippets(u, owner.toLowerCase(), built.exampleProject, config.cdn.access === "github", Boolean(config.upstream && cdn))),
    indexRepository: index.repository.name,
    teamGrants: teams.grants,
    publication: index.publication ? pulumi.all([index.publication.commit, index.publication.lastPublish]).apply(([commit, lastPublish]) => ({ commit, lastPublish })) : pulumi.output(undefined),
  };
}

/**
 * `build --check-upstream` at preview. On by default for a public index of up to
 * CHECK_UPSTREAM_DEFAULT_LIMIT names; a private index's names are only told to the upstream when asked.
 */
async function checkUpstreamAtPreview(config: StackConfig, upstream: UpstreamSettings, names: string[], repositories: readonly string[]): Promise<void> {
  const isPrivate = config.cdn.access === "github";
  const grants = namespaceGrants(config.namespaces);
  for (const line of claimedGlobNotices(upstream.claimed, grants)) pulumi.log.info(`notice: ${line}`);
  if (config.checkUpstream ?? (!isPrivate && names.length <= CHECK_UPSTREAM_DEFAULT_LIMIT)) {
    // A repository in a namespace reserves its name before its first release: asked about too.
    const reserved = reservedNames(repositories, grants, names);
    const asked = [...names, ...reserved.map((r) => r.name)];
    for (const line of describeUpstreamCheck(await checkUpstream(asked, upstream), asked.length, upstream, reserved)) pulumi.log.info(`notice: ${line}`);
  } else if (config.checkUpstream === undefined && !isPrivate) {
    pulumi.log.info(`notice: ${names.length} names are more than the ${CHECK_UPSTREAM_DEFAULT_LIMIT} checked upstream by default at preview; set github-pypi:checkUpstream true to check them all`);
  }
}

function defineCdn(config: StackConfig, built: BuiltIndex, github: { owner: string; apiUrl: string }): Cdn {
  // The edge routes as serve does: claimed globs plus the namespace grants (generator/upstream/routed-upstream.ts).
  const routed = routedUpstream(config);
  const settings = config.cdn;
  const region = new pulumi.Config("aws").get("region") || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UserError("the CDN needs an AWS region for its bucket: `pulumi config set aws:region eu-west-1` (or AWS_REGION)");
  const isPrivate = settings.access === "github";
  if (isPrivate) {
    for (const name of sharedProjects(built.accessMap)) {
      pulumi.log.warn(`warning[project-in-several-repositories]: ${name} has files from ${built.accessMap.projects[name]?.join(" and ")}; a reader needs access to all of them`);
    }
  }
  return new Cdn("cdn", {
    settings,
    indexMaxAgeSeconds: config.indexMaxAgeSeconds,
    region,
    siteDir: built.siteDir,
    objects: bucketManifest(built.objects, { private: isPrivate }),
    ...(isPrivate
      ? {
          access: {
            gateRepository: settings.gateRepository ?? `${github.owner}/${config.indexRepository}`,
            apiUrl: github.apiUrl,
            map: built.accessMap,
            lists: built.lists,
            indexMaxAgeSeconds: config.indexMaxAgeSeconds,
            positiveTtlSeconds: DEFAULT_GATE_GRANTED_TTL_SECONDS,
            negativeTtlSeconds: DEFAULT_GATE_REFUSED_TTL_SECONDS,
            // Two GitHub questions run at once; with one retry-free round this stays well inside Lambda@Edge's 5 s.
            timeoutMs: 2000,
            ...(routed ? { upstream: routed } : {}),
          },
        }
      : { ...(routed ? { upstream: { settings: routed, held: Object.keys(built.accessMap.projects) } } : {}) }),
  });
}
