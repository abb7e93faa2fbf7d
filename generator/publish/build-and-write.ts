/**
 * The one build-and-publish sequence, for `github-pypi build` and for the stack at deploy time:
 * build the Site, refuse on warnings when strict, let the caller look before anything is written,
 * add what the host needs (Pages' CNAME), write the folder atomically, and derive the access map.
 * The callers keep only what is theirs: reading their settings and reporting.
 */
import type { AccessMap } from "../serving/access/access-map.js";
import { namespaceGrants } from "../names/namespaces.js";
import { accessMapFor } from "../serving/access/access-map.js";
import { writeAccessMap } from "../serving/access/access-map-file.js";
import { listPagesFor, type ListPages } from "../serving/access/list-pages.js";
import { buildSite, type BuildInputs, type BuildResult } from "../build.js";
import { plural } from "../diagnostics/plural.js";
import { UserError } from "../diagnostics/warnings.js";
import { writeSiteToFolder, type FolderPublishStats } from "./local-folder.js";

export interface BuildAndWriteOptions {
  build: BuildInputs;
  /** The site folder, replaced atomically. */
  out: string;
  /** File names under `files/` whose bytes may change on purpose. */
  replaceFiles?: readonly string[];
  /** Refuse to write when the build warned. */
  strict?: boolean;
  /** GitHub Pages' custom domain, written as the site's `CNAME` file. */
  cname?: string;
  /** Where to write the access map (never inside the site); undefined: not written. */
  accessMapPath?: string;
  /** Also describe every file as it is written (the stack's manifests); see FolderPublishOptions. */
  describe?: boolean;
  /** Runs after the build and before anything is written (e.g. `--check-upstream`). */
  beforeWrite?: (result: BuildResult) => Promise<void>;
  /** Stops the call (see FolderPublishOptions.signal): it rejects with the signal's reason, and the site folder is left as it was. */
  signal?: AbortSignal;
}

export interface BuildAndWriteResult extends BuildResult {
  stats: FolderPublishStats;
  accessMap: AccessMap;
  /** The entries of a private index's per-person list pages. */
  lists: ListPages;
}

/**
 * `work`, or the signal's reason as soon as it aborts. The build writes nothing of the site, so
 * nothing needs removing: what it still has in flight finishes unheard, its outcome dropped.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  // Settled later, unheard, it must not be an unhandled rejection.
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

export async function buildAndWrite(options: BuildAndWriteOptions): Promise<BuildAndWriteResult> {
  const { signal } = options;
  const result = await untilAborted(buildSite(options.build), signal);
  if (options.strict && result.warnings.items.length > 0) {
    throw new UserError(`--strict: ${plural(result.warnings.items.length, "warning")} above; nothing was written`);
  }
  await untilAborted(options.beforeWrite?.(result) ?? Promise.resolve(), signal);
  if (options.cname) {
    // Pages keeps the custom domain in a CNAME file on the branch; the publication owns the branch, so it writes the file.
    result.site.set("CNAME", { body: new TextEncoder().encode(`${options.cname}\n`), contentType: "text/plain; charset=utf-8", cacheControl: "no-cache" });
  }
  const stats = await writeSiteToFolder(result.site, options.out, { replace: options.replaceFiles ?? [], describe: options.describe ?? false, signal });
  const accessMap = accessMapFor(result.index);
  const lists = listPagesFor(result.index, options.build.config.title, { grants: namespaceGrants(options.build.config.namespaces), owner: options.build.github?.org }, result.landingRows);
  // Private to the build, so never inside the folder a static host serves.
  if (options.accessMapPath) await writeAccessMap(options.accessMapPath, accessMap, lists);
  return { ...result, stats, accessMap, lists };
}
