import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { UserError } from "../diagnostics/warnings.js";
import { readConfigFile, describeZodError } from "./load.js";
import { indexConfigSchema, type IndexConfig } from "./schema.js";
import { sourcesSchema, type SourcesConfig } from "./sources-schema.js";
import { DEFAULT_FILES_MODE, FILES_MODES, type FilesMode } from "./defaults.js";

/**
 * What `github-pypi build --config FILE` accepts: the index settings plus `sources` and `files`,
 * the same keys (and meanings) as the stack's `github-pypi:*` config. Keys that only the stack
 * uses (teams, cdn, ...) are errors here rather than settings silently ignored.
 */
export const projectFileSchema = indexConfigSchema
  .extend({
    sources: sourcesSchema
      .default(sourcesSchema.parse({}))
      .describe(
        "Where the packages come from: the same keys as the build's source flags, which win over them. The stack indexes the github:owner organisation when no source is named, and runs the build on every preview and up.",
      ),
    files: z
      .enum(FILES_MODES)
      .default(DEFAULT_FILES_MODE)
      .describe(
        "How release files are published (--files): link points at GitHub's download URLs; mirror copies the files into the site. A private index (cdn.access: github) mirrors unless told otherwise, and must: pip cannot download a private repository's files from GitHub.",
      ),
  })
  .strict();

export interface ProjectFile {
  index: IndexConfig;
  sources: SourcesConfig;
  files: FilesMode;
}

/**
 * The stack's keys that a settings file does not take. infra/config/stack-schema.ts adds exactly these to
 * the file's schema (the compiler holds it to this list), so the refusal below names every one.
 */
export const STACK_ONLY_KEYS = ["indexRepository", "pagesBranch", "cname", "teams", "cdn", "replaceFiles", "checkUpstream"] as const;
export type StackOnlyKey = (typeof STACK_ONLY_KEYS)[number];
const isStackOnly = (key: string): key is StackOnlyKey => (STACK_ONLY_KEYS as readonly string[]).includes(key);

/** Reads a YAML or JSON project file; relative source paths are taken relative to the file, like every config file users know. */
export async function loadProjectFile(path: string): Promise<ProjectFile> {
  const value = await readConfigFile(path);
  const stackOnly = value && typeof value === "object" ? Object.keys(value).filter(isStackOnly) : [];
  if (stackOnly.length) {
    throw new UserError(
      `${path}: ${stackOnly.join(", ")} ${stackOnly.length === 1 ? "is a stack setting" : "are stack settings"} (github-pypi:${stackOnly[0]} in Pulumi config), not used by \`github-pypi build\``,
    );
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
