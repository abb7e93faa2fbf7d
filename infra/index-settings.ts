import * as pulumi from "@pulumi/pulumi";
import { validateIndexConfig } from "../generator/config/load.js";
import type { IndexConfig } from "../generator/config/schema.js";

/** Keys of the `github-pypi:` namespace that are index settings, shared with the CLI's `--config`. */
const INDEX_KEYS = ["title", "yanked", "packagesUrl", "indexMaxAgeSeconds"] as const;

/**
 * Reads the index settings from stack config through the same schema as `github-pypi build
 * --config`, so a key means the same in both places and an error names the key.
 */
export function readIndexSettings(config = new pulumi.Config("github-pypi")): IndexConfig {
  const raw: Record<string, unknown> = {};
  for (const key of INDEX_KEYS) {
    const value = key === "title" || key === "packagesUrl" ? config.get(key) : config.getObject<unknown>(key);
    if (value !== undefined) raw[key] = value;
  }
  return validateIndexConfig(raw, "stack config (github-pypi:*)");
}
