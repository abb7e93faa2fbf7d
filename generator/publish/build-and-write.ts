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
}

export interface BuildAndWriteResult extends BuildResult {
  stats: FolderPublishStats;
  accessMap: AccessMap;
  /** The entries of a private index's per-person list pages. */
  lists: ListPages;
}

export async function buildAndWrite(options: BuildAndWriteOptions): Promise<BuildAndWriteResult> {
  const result = await buildSite(options.build);
  if (options.strict && result.warnings.items.length > 0) {
    throw new UserError(`--strict: ${result.warnings.items.length} warning(s) above; nothing was written`);
  }
  await options.beforeWrite?.(result);
  if (options.cname) {
    // Pages keeps the custom domain in a CNAME file on the branch; the publication owns the branch, so it writes the file.
    result.site.set("CNAME", { body: new TextEncoder().encode(`${options.cname}\n`), contentType: "text/plain; charset=utf-8", cacheControl: "no-cache" });
  }
  const stats = await writeSiteToFolder(result.site, options.out, { replace: options.replaceFiles ?? [], describe: options.describe ?? false });
  const accessMap = accessMapFor(result.index);
  const lists = listPagesFor(result.index, options.build.config.title, { grants: namespaceGrants(options.build.config.namespaces), owner: options.build.github?.org }, result.landingRows);
  // Private to the build, so never inside the folder a static host serves.
  if (options.accessMapPath) await writeAccessMap(options.accessMapPath, accessMap, lists);
  return { ...result, stats, accessMap, lists };
}
