import { accessMapFor } from "../../generator/access/access-map.js";
import { defaultAccessMapPath, writeAccessMap } from "../../generator/access/access-map-file.js";
import { buildSite, type BuildInputs } from "../../generator/build.js";
import { validateIndexConfig } from "../../generator/config/load.js";
import type { IndexConfigInput } from "../../generator/config/schema.js";
import { Warnings } from "../../generator/diagnostics/warnings.js";
import { writeSiteToFolder } from "../../generator/publish/local-folder.js";

/** Builds and writes a site the way `github-pypi build` does (access map beside it), returning what it warned about. */
export async function buildTo(out: string, inputs: Omit<BuildInputs, "config" | "warnings"> & { config?: IndexConfigInput }) {
  const warnings = new Warnings();
  const config = validateIndexConfig(inputs.config ?? {});
  const result = await buildSite({ ...inputs, config, warnings });
  const stats = await writeSiteToFolder(result.site, out);
  await writeAccessMap(defaultAccessMapPath(out), accessMapFor(result.index));
  return { ...result, stats, warnings: warnings.items };
}
