import { parse as parseToml } from "smol-toml";
import { parse as parseIni } from "ini";
import { RequestError } from "@octokit/request-error";
import type { Warnings } from "../diagnostics/warnings.js";
import type { DistributionFile } from "../model/distribution.js";
import { normalizeVersion } from "../names/version.js";
import { isValidProjectName, normalizeName } from "../names/normalize.js";
import type { GitHubClient } from "./api-client.js";
import type { CacheStore } from "./cache-store.js";
import { failure, pagesOnce } from "./errors.js";
import { tagSchema, type GitHubTag } from "./schemas.js";
import type { SelectedRepository } from "./repositories.js";

type Tag = GitHubTag;

/** What a tagged source tree says about itself; cached by commit, which never changes. */
export interface TagProject {
  name: string;
  requiresPython?: string;
  /** The file the name came from, for messages. */
  from: "pyproject.toml" | "setup.cfg" | "repository name";
}

/** `v1.2.0` or `1.2.0` → the PEP 440 normalised version, or null for any other tag. */
export function versionFromTag(tag: string): string | null {
  return normalizeVersion(tag.replace(/^[vV](?=\d)/, ""));
}

/** `[project]` (PEP 621), then Poetry's `[tool.poetry]`; undefined when the file names no project. */
export function projectFromPyproject(text: string): { name?: string; requiresPython?: string } {
  const doc = parseToml(text) as { project?: { name?: unknown; "requires-python"?: unknown }; tool?: { poetry?: { name?: unknown } } };
  const name = typeof doc.project?.name === "string" ? doc.project.name : typeof doc.tool?.poetry?.name === "string" ? doc.tool.poetry.name : undefined;
  const requiresPython = typeof doc.project?.["requires-python"] === "string" ? doc.project["requires-python"] : undefined;
  return { ...(name ? { name } : {}), ...(requiresPython ? { requiresPython } : {}) };
}

/** setuptools' declarative config: `[metadata] name`, `[options] python_requires`. */
export function projectFromSetupCfg(text: string): { name?: string; requiresPython?: string } {
  const doc = parseIni(text) as { metadata?: { name?: unknown }; options?: { python_requires?: unknown } };
  const name = typeof doc.metadata?.name === "string" ? doc.metadata.name.trim() : undefined;
  const requiresPython = typeof doc.options?.python_requires === "string" ? doc.options.python_requires.trim() : undefined;
  return { ...(name ? { name } : {}), ...(requiresPython ? { requiresPython } : {}) };
}

/** A file at a ref through the contents API, raw; undefined when it does not exist there. */
async function fileAtRef(client: GitHubClient, repo: SelectedRepository, path: string, ref: string): Promise<string | undefined> {
  try {
    const response = await client.rest.repos.getContent({ owner: repo.owner, repo: repo.name, path, ref, mediaType: { format: "raw" } });
    const data: unknown = response.data;
    return typeof data === "string" ? data : Buffer.from(data as ArrayBuffer).toString("utf8");
  } catch (e) {
    if (e instanceof RequestError && e.status === 404) return undefined;
    throw failure(e, `reading ${path} of ${repo.fullName} at tag ${ref}`);
  }
}

/** Reads the project's name and Requires-Python at a tag: pyproject.toml, setup.cfg, then the repository name. */
async function projectAtTag(client: GitHubClient, repo: SelectedRepository, tag: string, warnings: Warnings): Promise<TagProject> {
  const origin = `${repo.fullName}@${tag}`;
  const sources: [TagProject["from"], (t: string) => { name?: string; requiresPython?: string }][] = [
    ["pyproject.toml", projectFromPyproject],
    ["setup.cfg", projectFromSetupCfg],
  ];
  let requiresPython: string | undefined;
  for (const [file, parse] of sources) {
    const text = await fileAtRef(client, repo, file, tag);
    if (text === undefined) continue;
    let found: { name?: string; requiresPython?: string };
    try {
      found = parse(text);
    } catch (e) {
      warnings.add("metadata-unreadable", `${origin}: ${file} cannot be parsed (${(e as Error).message}); trying the next source of the project name`, origin);
      continue;
    }
    requiresPython ??= found.requiresPython;
    if (found.name && isValidProjectName(found.name)) return { name: found.name, from: file, ...(requiresPython ? { requiresPython } : {}) };
    if (found.name) warnings.add("metadata-unreadable", `${origin}: ${file} names project ${JSON.stringify(found.name)}, which is not a valid project name`, origin);
  }
  return { name: repo.name, from: "repository name", ...(requiresPython ? { requiresPython } : {}) };
}

/**
 * Tag links for a repository that publishes no wheel or sdist: every tag that is a PEP 440
 * version becomes `git+<clone URL>@TAG#egg=NAME-VERSION`, which pip installs with the user's own
 * git credentials. Two tags of the same version (`v1.0`, `1.0.0`) keep the first one listed.
 */
export async function tagDistributions(client: GitHubClient, repo: SelectedRepository, cache: CacheStore, cacheScope: string, warnings: Warnings): Promise<DistributionFile[]> {
  let tags: Tag[];
  try {
    tags = await client.paginate(client.rest.repos.listTags, { owner: repo.owner, repo: repo.name, per_page: 100 }, pagesOnce(tagSchema, "a tag"));
  } catch (e) {
    throw failure(e, `listing the tags of ${repo.fullName}`);
  }
  const files: DistributionFile[] = [];
  const seen = new Map<string, string>();
  for (const tag of tags) {
    const version = versionFromTag(tag.name);
    if (version === null) continue;
    const key = `${cacheScope} tag-project ${repo.fullName} ${tag.commit.sha}`;
    let project = await cache.get<TagProject>("tags", key);
    if (!project) {
      project = await projectAtTag(client, repo, tag.name, warnings);
      await cache.put("tags", key, project);
    }
    if (!isValidProjectName(project.name)) {
      warnings.add("unparseable-filename", `${repo.fullName}@${tag.name}: no project name at this tag, and the repository name is not a valid one; not indexed`, `${repo.fullName}@${tag.name}`);
      continue;
    }
    const name = normalizeName(project.name);
    const earlier = seen.get(`${name} ${version}`);
    if (earlier !== undefined) {
      warnings.add("duplicate-file", `${repo.fullName}: tags ${earlier} and ${tag.name} are both version ${version} of ${name}; linking ${earlier}`, `${repo.fullName}@${tag.name}`);
      continue;
    }
    seen.set(`${name} ${version}`, tag.name);
    const egg = `${name}-${version}`;
    files.push({
      filename: egg,
      parsed: { filename: egg, kind: "vcs", name: project.name, project: name, version, extension: "" },
      location: { kind: "url", url: `git+${repo.cloneUrl}@${encodeURI(tag.name)}#egg=${egg}` },
      hashes: {},
      ...(project.requiresPython ? { requiresPython: project.requiresPython } : {}),
      origin: `${repo.fullName}@${tag.name} (name from ${project.from})`,
      repository: repo.fullName,
      repositoryUrl: repo.htmlUrl,
      ...(repo.archived ? { repositoryArchived: true } : {}),
      ...(repo.private ? {} : { repositoryPublic: true }),
    });
  }
  return files;
}
