/**
 * The access map on disk (`.github-pypi/access.json` in a built site), for `serve --auth github`.
 * Kept apart from access-map.ts so the edge bundle, whose map is baked in, does not carry zod.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { ACCESS_MAP_PATH, GATE, type AccessMap } from "./access-map.js";

const repository = z.union([z.literal(GATE), z.string().regex(/^[^/\s]+\/[^/\s]+$/, "expected OWNER/NAME")]);
const accessMapSchema = z.object({ version: z.literal(1), projects: z.record(z.string(), z.array(repository)) });

/** The map written into `siteDir` by `github-pypi build`, or undefined when the site has none. */
export async function readAccessMap(siteDir: string): Promise<AccessMap | undefined> {
  const where = join(siteDir, ACCESS_MAP_PATH);
  let text: string;
  try {
    text = await readFile(where, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is not JSON: ${(e as Error).message}`);
  }
  const parsed = accessMapSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${where} is not an access map: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
