import { accessMapFor } from "../../generator/serving/access/access-map.js";
import { defaultAccessMapPath, writeAccessMap } from "../../generator/serving/access/access-map-file.js";
import { namespaceGrants } from "../../generator/names/namespaces.js";
import { listPagesFor } from "../../generator/serving/access/list-pages.js";
import { buildSite, type BuildInputs } from "../../generator/build.js";
import { validateIndexConfig } from "../../generator/config/load.js";
import type { IndexConfigInput } from "../../generator/config/schema.js";
import { Warnings } from "../../generator/diagnostics/warnings.js";
import { writeSiteToFolder } from "../../generator/publish/local-folder.js";
import { cacheControlFor } from "../../generator/protocol/cache-control.js";
import { contentTypeFor } from "../../generator/protocol/content-type.js";
import type { Site } from "../../generator/site/site.js";
import { describeSite, type SiteObjects } from "../../generator/site/site-objects.js";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Builds and writes a site the way `github-pypi build` does (access map beside it), returning what it warned about. */
export async function buildTo(out: string, inputs: Omit<BuildInputs, "config" | "warnings"> & { config?: IndexConfigInput }) {
  const warnings = new Warnings();
  const config = validateIndexConfig(inputs.config ?? {});
  const result = await buildSite({ ...inputs, config, warnings });
  const stats = await writeSiteToFolder(result.site, out);
  await writeAccessMap(defaultAccessMapPath(out), accessMapFor(result.index), listPagesFor(result.index, config.title, { grants: namespaceGrants(config.namespaces), owner: inputs.github?.org }));
  return { ...result, stats, warnings: warnings.items };
}

/**
 * A site folder read back as the Site it was written from (each file's bytes, with the content
 * type and cache policy render gives its path), described as the publishers see it. Tests change
 * files in a written folder to stand for a new build; this is that new build's objects.
 */
export async function folderObjects(dir: string, indexMaxAgeSeconds = 300): Promise<SiteObjects> {
  const site: Site = new Map();
  const walk = (folder: string, prefix: string): void => {
    for (const e of readdirSync(folder, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(folder, e.name), rel);
      else if (e.isFile()) site.set(rel, { body: readFileSync(join(folder, e.name)), contentType: contentTypeFor(rel), cacheControl: cacheControlFor(rel, indexMaxAgeSeconds) });
    }
  };
  walk(dir, "");
  return describeSite(site);
}
