import { buildSite, type BuildInputs } from "../../generator/build.js";
import { validateIndexConfig } from "../../generator/config/load.js";
import type { IndexConfigInput } from "../../generator/config/schema.js";
import { Warnings } from "../../generator/diagnostics/warnings.js";
import { writeSiteToFolder } from "../../generator/publish/local-folder.js";

/** Builds and writes a site the way `github-pypi build` does, returning what it warned about. */
export async function buildTo(out: string, inputs: Omit<BuildInputs, "config" | "warnings"> & { config?: IndexConfigInput }) {
  const warnings = new Warnings();
  const config = validateIndexConfig(inputs.config ?? {});
  const result = await buildSite({ ...inputs, config, warnings });
  const stats = await writeSiteToFolder(result.site, out);
  return { ...result, stats, warnings: warnings.items };
}
