import * as pulumi from "@pulumi/pulumi";
import { UserError } from "../../generator/diagnostics/warnings.js";
import { describeZodError } from "../../generator/config/load.js";
import { settingRows } from "../../generator/config/setting-rows.js";
import { STACK_KEYS, stackConfigSchema, type StackConfig } from "./stack-schema.js";

/** Keys whose value is a string, which Pulumi hands over as it is; every other value arrives as JSON. */
const STRING_KEYS = new Set(
  settingRows(stackConfigSchema)
    .filter((r) => r.depth === 0 && r.jsonType === "string")
    .map((r) => r.key),
);

/**
 * Keys whose being set changes what the program does, beyond their value: Pulumi applies a
 * project default (Pulumi.yaml) as if the stack had set the key, so these must have none there
 * (scripts/write-reference.ts leaves it out). `files` left unset lets a private index mirror;
 * `indexMaxAgeSeconds` left unset lets an old `cdn.indexMaxAgeSeconds` stand in for it.
 */
export const KEYS_WITHOUT_PROJECT_DEFAULT: readonly (keyof StackConfig)[] = ["files", "indexMaxAgeSeconds"];

/**
 * Reads every `github-pypi:*` key through the schema the CLI's `--config` uses, so a key means
 * the same in both places and an error names the key. Unknown keys in the namespace are errors
 * too: a misspelt `github-pypi:teams` must not silently leave teams unmanaged.
 */
export function readStackConfig(config = new pulumi.Config("github-pypi")): StackConfig {
  const raw: Record<string, unknown> = {};
  for (const key of STACK_KEYS) {
    const value = STRING_KEYS.has(key) ? config.get(key) : config.getObject<unknown>(key);
    if (value !== undefined) raw[key] = value;
  }
  const where = "stack config (github-pypi:*)";
  const unknown = Object.keys(pulumi.runtime.allConfig())
    .filter((k) => k.startsWith("github-pypi:"))
    .map((k) => k.slice("github-pypi:".length))
    .filter((k) => !(STACK_KEYS as string[]).includes(k));
  if (unknown.length) throw new UserError(`${where}: unknown ${unknown.length === 1 ? "key" : "keys"} ${unknown.map((k) => `github-pypi:${k}`).join(", ")}; known: ${STACK_KEYS.join(", ")}`);
  const result = stackConfigSchema.safeParse(raw);
  if (!result.success) throw new UserError(describeZodError(where, result.error));
  return privateIndexDefaults(oneMaxAge(result.data, raw, where), raw, where);
}

/**
 * One max-age for every host: `cdn.indexMaxAgeSeconds` (which the CDN once had apart) is taken as
 * the top-level setting with a named warning, and refused when the two disagree.
 */
function oneMaxAge(config: StackConfig, raw: Record<string, unknown>, where: string): StackConfig {
  const old = config.cdn.indexMaxAgeSeconds;
  if (old === undefined) return config;
  if (raw.indexMaxAgeSeconds !== undefined && config.indexMaxAgeSeconds !== old) {
    throw new UserError(
      `${where}: cdn.indexMaxAgeSeconds (${old}) and github-pypi:indexMaxAgeSeconds (${config.indexMaxAgeSeconds}) disagree; set only github-pypi:indexMaxAgeSeconds, which applies to Pages, serve and the CDN alike`,
    );
  }
  void pulumi.log.warn(`warning[deprecated-key]: cdn.indexMaxAgeSeconds is now github-pypi:indexMaxAgeSeconds (one max-age for Pages, serve and the CDN); using ${old}`);
  const { indexMaxAgeSeconds: _moved, ...cdn } = config.cdn;
  return { ...config, indexMaxAgeSeconds: old, cdn };
}

/**
 * A private index (`cdn.access: github`) changes two defaults, only where the stack left them
 * unset: private repositories are indexed (they are the point), and files are mirrored behind
 * the CDN (pip cannot download a private repository's release assets from GitHub itself).
 */
function privateIndexDefaults(config: StackConfig, raw: Record<string, unknown>, where: string): StackConfig {
  if (config.cdn.access !== "github") return config;
  if (raw.files === undefined) config.files = "mirror";
  else if (config.files === "link") {
    throw new UserError(
      `${where}: files: link does not work with cdn.access: github; pip would fetch release assets from GitHub, which private repositories do not allow without GitHub credentials. Use files: mirror (the default for a private index).`,
    );
  }
  const sources = raw.sources;
  const setPrivate = sources !== null && typeof sources === "object" && "includePrivate" in sources;
  if (!setPrivate) config.sources.includePrivate = true;
  return config;
}
