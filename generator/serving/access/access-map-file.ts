/**
 * The access map on disk, for `serve --auth github`, with the entries of the private index's list
 * pages (generator/serving/access/list-pages.ts). It lives beside the site folder, never in it: a plain
 * static host serves every file of the folder. Kept apart from access-map.ts so the edge bundle,
 * whose map is baked in, does not carry zod.
 */
import { rename, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { readJsonFileIfPresent } from "../../util/json-file.js";
import { GATE } from "../../protocol/gate-marker.js";
import type { AccessMap } from "./access-map.js";
import type { ListPages } from "./list-pages.js";

const fullName = z.string().regex(/^[^/\s]+\/[^/\s]+$/, "expected OWNER/NAME");
const repository = z.union([z.literal(GATE), fullName]);
const listPagesSchema = z.object({
  version: z.literal(1),
  title: z.string(),
  projects: z.array(z.object({ name: z.string().min(1), displayName: z.string().min(1), row: z.string() })),
});
const accessFileSchema = z.object({
  version: z.literal(1),
  projects: z.record(z.string(), z.array(repository)),
  public: z.array(fullName).optional(),
  /** Absent in a map from before per-person list pages: `serve --auth github` then asks for a rebuild. */
  lists: listPagesSchema.optional(),
});

/** Where `github-pypi build --out DIR` puts the map unless told otherwise: `DIR.access.json`, beside the folder. */
export function defaultAccessMapPath(siteDir: string): string {
  return `${resolve(siteDir)}.access.json`;
}

/** Writes the map (and the list entries) atomically, so a server starting meanwhile reads the old file or the new one. */
export async function writeAccessMap(path: string, map: AccessMap, lists?: ListPages): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(lists ? { ...map, lists } : map, null, 1)}\n`);
  await rename(tmp, path);
}

/** The map and list entries at `path`, or undefined when there is none; a file that is not a valid map is an error. */
export async function readAccessFile(path: string): Promise<{ map: AccessMap; lists?: ListPages } | undefined> {
  const file = await readJsonFileIfPresent(path, accessFileSchema, "an access map");
  if (!file) return undefined;
  const { lists, ...rest } = file;
  const map: AccessMap = { version: rest.version, projects: rest.projects, ...(rest.public ? { public: rest.public } : {}) };
  if (lists && !sameNames(lists, map)) throw new Error(`${path}: its list entries and its projects differ; rebuild`);
  return lists ? { map, lists } : { map };
}

/** The map alone (what the edge function bakes in). */
export async function readAccessMap(path: string): Promise<AccessMap | undefined> {
  return (await readAccessFile(path))?.map;
}

function sameNames(lists: ListPages, map: AccessMap): boolean {
  const names = lists.projects.map((p) => p.name).sort();
  const mapped = Object.keys(map.projects).sort();
  return names.length === mapped.length && names.every((n, i) => n === mapped[i]);
}
