import { readFile } from "node:fs/promises";
import type { ZodError } from "zod";
import { UserError } from "../diagnostics/warnings.js";
import { indexConfigSchema, type IndexConfig } from "./schema.js";

/** Formats schema errors as `file: key.path: message`, one per line, so each names its key. */
export function describeZodError(where: string, error: ZodError): string {
  const lines = error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.map(String).join(".") : "(top level)";
    return `  ${key}: ${issue.message}`;
  });
  return `${where}: invalid configuration\n${lines.join("\n")}`;
}

/** Validates an already-parsed settings object (from a file, or Pulumi config). */
export function validateIndexConfig(value: unknown, where = "configuration"): IndexConfig {
  const result = indexConfigSchema.safeParse(value ?? {});
  if (!result.success) throw new UserError(describeZodError(where, result.error));
  return result.data;
}

/** Parses a YAML or JSON file (JSON is YAML, so one parser serves both); errors name the file. */
export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new UserError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  // Loaded with the first settings file: a build without one does not pay for the YAML parser.
  const { parse: parseYaml, YAMLParseError } = await import("yaml");
  let value: unknown;
  try {
    value = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    const detail = e instanceof YAMLParseError ? e.message : String(e);
    throw new UserError(`${path}: not valid YAML or JSON: ${detail}`);
  }
  return value;
}

/** Reads a settings file holding index settings only. */
export async function loadIndexConfig(path: string): Promise<IndexConfig> {
  return validateIndexConfig(await readConfigFile(path), path);
}
