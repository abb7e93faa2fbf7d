/**
 * `build --check-upstream`: which of the index's names the upstream also holds, with its highest
 * version. Each is a name that people using `--extra-index-url` would get from the upstream if its
 * version is higher: the list to claim, rename or watch. The one-URL index itself is safe either way.
 */
import { z } from "zod";
import { parseIndexableFilename } from "../names/filename.js";
import { grantsCovering, type NamespaceGrant } from "../names/namespaces.js";
import { isValidProjectName, normalizeName } from "../names/normalize.js";
import { compareVersions, isValidVersion } from "../names/version.js";
import type { UpstreamSettings } from "../protocol/upstream-settings.js";
import { mapLimit } from "../util/pool.js";
import { plural } from "../diagnostics/plural.js";

export interface UpstreamOverlap {
  name: string;
  /** The upstream's highest version, or undefined when its page lists no file we can read. */
  highest?: string;
}

export interface UpstreamCheck {
  overlaps: UpstreamOverlap[];
  /** Names the upstream could not be asked about (down, timeout, an answer that is not an index page). */
  failures: string[];
}

/**
 * A project name a repository in a namespace holds for its first release: the index does not
 * hold it yet, so the index answers 404 for it, while --extra-index-url users get the upstream's.
 */
export interface ReservedName {
  /** The repository's normalised name, the project name it reserves. */
  name: string;
  /** `OWNER/NAME` as GitHub spells it. */
  repository: string;
  /** The grant covering it, the most specific one when grants nest. */
  namespace: string;
}

/** Repositories (`OWNER/NAME`) whose normalised name a grant covers and the index does not hold; one per name, sorted. */
export function reservedNames(repositories: readonly string[], grants: readonly NamespaceGrant[], held: readonly string[]): ReservedName[] {
  const taken = new Set(held);
  const reserved = new Map<string, ReservedName>();
  for (const repository of repositories) {
    const raw = repository.slice(repository.indexOf("/") + 1);
    // A repository such as `.github` names no project.
    if (!isValidProjectName(raw)) continue;
    const name = normalizeName(raw);
    const namespace = grantsCovering(name, grants).at(-1)?.name;
    if (namespace === undefined || taken.has(name) || reserved.has(name)) continue;
    reserved.set(name, { name, repository, namespace });
  }
  return [...reserved.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1";
const jsonPage = z.object({ versions: z.array(z.string()).optional(), files: z.array(z.object({ filename: z.string() })) });

/** Versions a project page offers: PEP 700 `versions` from JSON, else the file names of any page. */
function versionsOf(body: string, contentType: string): string[] {
  if (contentType.includes("json")) {
    const page = jsonPage.parse(JSON.parse(body));
    return page.versions ?? page.files.flatMap((f) => versionOfFile(f.filename));
  }
  return [...body.matchAll(/<a\b[^>]*>([^<]+)<\/a>/gi)].flatMap((m) => versionOfFile((m[1] ?? "").trim()));
}

function versionOfFile(filename: string): string[] {
  const parsed = parseIndexableFilename(filename);
  return parsed.ok ? [parsed.value.version] : [];
}

export async function checkUpstream(names: readonly string[], upstream: UpstreamSettings, options: { concurrency?: number; timeoutMs?: number } = {}): Promise<UpstreamCheck> {
  const failures: string[] = [];
  const found = await mapLimit(names, options.concurrency ?? 16, async (name): Promise<UpstreamOverlap | undefined> => {
    const url = `${upstream.url}${encodeURIComponent(name)}/`;
    try {
      const response = await fetch(url, { headers: { accept: ACCEPT }, signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const versions = versionsOf(await response.text(), response.headers.get("content-type") ?? "").filter(isValidVersion);
      const highest = versions.sort(compareVersions).at(-1);
      return highest === undefined ? { name } : { name, highest };
    } catch (e) {
      failures.push(`${name} (${(e as Error).message})`);
      return undefined;
    }
  });
  return { overlaps: found.filter((o): o is UpstreamOverlap => o !== undefined), failures };
}

/**
 * The `notice:` lines a check prints, the same from `build --check-upstream` and the stack's preview.
 * `names` counts every name asked about, the reserved ones included.
 */
export function describeUpstreamCheck(check: UpstreamCheck, names: number, upstream: UpstreamSettings, reserved: readonly ReservedName[] = []): string[] {
  const byName = new Map(reserved.map((r) => [r.name, r]));
  const describe = (o: UpstreamOverlap): string => {
    const highest = `highest ${o.highest ?? "unknown"}`;
    const r = byName.get(o.name);
    if (r === undefined) return `${o.name} is also on ${upstream.url} (${highest}): this index keeps it, but --extra-index-url users may get the upstream's`;
    return `${o.name} is also on ${upstream.url} (${highest}): a reserved name (repository ${r.repository} in namespace ${r.namespace}, no release yet), so this index answers 404 for it, but --extra-index-url users get the upstream's`;
  };
  return [
    ...check.overlaps.map(describe),
    ...check.failures.map((f) => `could not check ${f} on ${upstream.url}`),
    `${check.overlaps.length} of ${plural(names, "name")} ${check.overlaps.length === 1 ? "is" : "are"} also on ${upstream.url}${check.failures.length ? `; ${check.failures.length} could not be checked` : ""}`,
  ];
}
