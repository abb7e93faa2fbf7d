import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { createHash } from "node:crypto";
import { UserError } from "../diagnostics/warnings.js";
import { isFileRef, type Site, type SiteEntry } from "../site/site.js";

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
function sameAsOld(oldPath: string, entry: SiteEntry): boolean {
  const old = statOrUndefined(oldPath);
  if (!old?.isFile()) return false;
  const { body } = entry;
  if (isFileRef(body)) {
    if (old.size !== body.size) return false;
    return createHash("sha256").update(readFileSync(oldPath)).digest("hex") === body.sha256;
  }
  return old.size === body.length && readFileSync(oldPath).equals(body);
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
export function writeSiteToFolder(site: Site, out: string): FolderPublishStats {
  const outDir = resolve(out);
  const hadOld = assertReplaceable(outDir);
  mkdirSync(dirname(outDir), { recursive: true });
  const tmp = mkdtempSync(join(dirname(outDir), `.${basename(outDir)}.building-`));
  const stats: FolderPublishStats = { written: 0, unchanged: 0, removed: 0, total: site.size };
  try {
    const made = new Set<string>();
    for (const path of [...site.keys()].sort()) {
      const entry = site.get(path) as SiteEntry;
      const dest = join(tmp, path);
      const dir = dirname(dest);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      const oldPath = join(outDir, path);
      if (hadOld && sameAsOld(oldPath, entry)) {
        linkSync(oldPath, dest);
        stats.unchanged++;
        continue;
      }
      if (isFileRef(entry.body)) copyFileSync(entry.body.file, dest);
      else writeFileSync(dest, entry.body);
      stats.written++;
    }
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
