import { readFile } from "node:fs/promises";
import { z } from "zod";

/**
 * The JSON file at `path` validated by `schema`, or undefined when there is no file. A file that
 * is not JSON or does not match is an error naming it and `what` it should be: never ignored.
 */
export async function readJsonFileIfPresent<S extends z.ZodType>(path: string, schema: S, what: string, fail: (message: string) => Error = (m) => new Error(m)): Promise<z.output<S> | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw fail(`${path} is not JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fail(`${path} is not ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
