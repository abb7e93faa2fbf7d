/**
 * The access map on disk, for `serve --auth github`. It lives beside the site folder, never in
 * it: a plain static host serves every file of the folder. Kept apart from access-map.ts so the
 * edge bundle, whose map is baked in, does not carry zod.
 */
import { rename, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { readJsonFileIfPresent } from "../util/json-file.js";
import { GATE, type AccessMap } from "./access-map.js";

const repository = z.union([z.literal(GATE), z.string().regex(/^[^/\s]+\/[^/\s]+$/, "expected OWNER/NAME")]);
const accessMapSchema = z.object({ version: z.literal(1), projects: z.record(z.string(), z.array(repository)) });

/** Where `github-pypi build --out DIR` puts the map unless told otherwise: `DIR.access.json`, beside the folder. */
export function defaultAccessMapPath(siteDir: string): string {
  return `${resolve(siteDir)}.access.json`;
}

/** Writes the map atomically, so a server starting meanwhile reads the old map or the new one. */
export async function writeAccessMap(path: string, map: AccessMap): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(map, null, 1)}\n`);
  await rename(tmp, path);
}

/** The map at `path`, or undefined when there is none; a file that is not a valid map is an error. */
export async function readAccessMap(path: string): Promise<AccessMap | undefined> {
  return readJsonFileIfPresent(path, accessMapSchema, "an access map");
}
