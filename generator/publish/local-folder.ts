import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, type Stats } from "node:fs";
import { copyFile, link, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { createHash } from "node:crypto";
import { UserError } from "../diagnostics/warnings.js";
import { isFileRef, type Site, type SiteEntry } from "../site/site.js";
import { mapLimit } from "../util/pool.js";

/** Small-file I/O is latency bound: many requests in flight keep libuv's thread pool busy. */
const IO_CONCURRENCY = 64;

export interface FolderPublishStats {
  /** Files whose bytes are new or changed. */
  written: number;
  /** Files carried over from the previous site untouched (hard links, no bytes written). */
  unchanged: number;
  /** Files of the previous site that the new one no longer has. */
  removed: number;
  total: number;
}

/** Lists a folder's files as site-relative paths with `/` separators. */
function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), rel);
      else out.push(rel);
    }
  };
  walk(root, "");
  return out;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Whether the previous site already holds exactly these bytes at this path. */
async function sameAsOld(oldPath: string, entry: SiteEntry): Promise<boolean> {
  const old = await stat(oldPath).catch(() => undefined);
  if (!old?.isFile()) return false;
  const { body } = entry;
  if (isFileRef(body)) {
    if (old.size !== body.size) return false;
    return createHash("sha256").update(await readFile(oldPath)).digest("hex") === body.sha256;
  }
  return old.size === body.length && (await readFile(oldPath)).equals(body);
}

/**
 * A folder is only ever replaced when it is empty or holds a site this tool built: pointing
 * `--out` at the wrong folder must not delete someone's files.
 */
function assertReplaceable(outDir: string): boolean {
  const info = statOrUndefined(outDir);
  if (!info) return false;
  if (!info.isDirectory()) throw new UserError(`--out ${outDir}: exists and is not a folder`);
  const entries = readdirSync(outDir);
  if (entries.length === 0) return true;
  if (!existsSync(join(outDir, "simple", "index.html"))) {
    throw new UserError(`--out ${outDir}: refusing to replace a folder that is not a site built by github-pypi (no simple/index.html); choose an empty or new folder`);
  }
  return true;
}

/**
 * Writes the site atomically: everything goes into a temporary sibling folder, unchanged files are
 * hard-linked from the previous site instead of rewritten, and the folders are swapped with two
 * renames. A failed build leaves the previous site untouched.
 */
export async function writeSiteToFolder(site: Site, out: string): Promise<FolderPublishStats> {
  const outDir = resolve(out);
  const hadOld = assertReplaceable(outDir);
  mkdirSync(dirname(outDir), { recursive: true });
  const tmp = mkdtempSync(join(dirname(outDir), `.${basename(outDir)}.building-`));
  const stats: FolderPublishStats = { written: 0, unchanged: 0, removed: 0, total: site.size };
  try {
    const paths = [...site.keys()].sort();
    for (const dir of new Set(paths.map((p) => dirname(join(tmp, p))))) mkdirSync(dir, { recursive: true });
    await mapLimit(paths, IO_CONCURRENCY, async (path) => {
      const entry = site.get(path) as SiteEntry;
      const dest = join(tmp, path);
      const oldPath = join(outDir, path);
      if (hadOld && (await sameAsOld(oldPath, entry))) {
        await link(oldPath, dest);
        stats.unchanged++;
        return;
      }
      if (isFileRef(entry.body)) await copyFile(entry.body.file, dest);
      else await writeFile(dest, entry.body);
      stats.written++;
    });
    if (hadOld) {
      stats.removed = listTree(outDir).filter((p) => !site.has(p)).length;
      const previous = `${tmp}.previous`;
      renameSync(outDir, previous);
      try {
        renameSync(tmp, outDir);
      } catch (e) {
        renameSync(previous, outDir);
        throw e;
      }
      rmSync(previous, { recursive: true, force: true });
    } else {
      renameSync(tmp, outDir);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return stats;
}
