import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { UserError } from "../diagnostics/warnings.js";
import { readConfigFile, describeZodError } from "./load.js";
import { indexConfigSchema, type IndexConfig } from "./schema.js";
import { sourcesSchema, FILES_MODES, type SourcesConfig, type FilesMode } from "./stack-schema.js";

/**
 * What `github-pypi build --config FILE` accepts: the index settings plus `sources` and `files`,
 * the same keys (and meanings) as the stack's `github-pypi:*` config. Keys that only the stack
 * uses (teams, cdn, ...) are errors here rather than settings silently ignored.
 */
export const projectFileSchema = indexConfigSchema
  .extend({
    sources: sourcesSchema.default(sourcesSchema.parse({})),
    files: z.enum(FILES_MODES).default("link"),
  })
  .strict();

export interface ProjectFile {
  index: IndexConfig;
  sources: SourcesConfig;
  files: FilesMode;
}

const STACK_ONLY = ["indexRepository", "pagesBranch", "cname", "teams", "cdn"];

/** Reads a YAML or JSON project file; relative source paths are taken relative to the file, like every config file users know. */
export async function loadProjectFile(path: string): Promise<ProjectFile> {
  const value = await readConfigFile(path);
  const stackOnly = value && typeof value === "object" ? Object.keys(value).filter((k) => STACK_ONLY.includes(k)) : [];
  if (stackOnly.length) {
    throw new UserError(`${path}: ${stackOnly.join(", ")} ${stackOnly.length === 1 ? "is a stack setting" : "are stack settings"} (github-pypi:${stackOnly[0]} in Pulumi config), not used by \`github-pypi build\``);
  }
  const result = projectFileSchema.safeParse(value ?? {});
  if (!result.success) throw new UserError(describeZodError(path, result.error));
  const { sources, files, ...index } = result.data;
  const base = dirname(resolve(path));
  const local = (p: string) => (p === "-" || isAbsolute(p) ? p : resolve(base, p));
  return {
    index,
    files,
    sources: { ...sources, localDirs: sources.localDirs.map(local), packageList: sources.packageList.map(local), packageListJson: sources.packageListJson.map(local) },
  };
}
