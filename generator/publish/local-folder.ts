import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { plural } from "../diagnostics/plural.js";
import { UserError } from "../diagnostics/warnings.js";
import type { Site } from "../site/site.js";
import type { SiteObjects } from "../site/site-objects.js";
import { SiteFiles, type SiteFilesReport } from "./site-files.js";
import { PageWriter, wantsThread } from "./page-writer.js";
import { portableOf, writeEntries } from "./write-entries.js";

export interface FolderPublishStats {
  /** Files whose bytes are new or changed. */
  written: number;
  /** Files carried over from the previous site untouched (hard links, no bytes written). */
  unchanged: number;
  /** Files of the previous site that the new one no longer has. */
  removed: number;
  total: number;
  /** With `describe`: every file's size, hashes and headers, from the bytes as they were written. */
  objects?: SiteObjects;
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

export interface FolderPublishOptions {
  /**
   * File names under `files/` whose bytes may change on purpose. Every other published file keeps
   * its bytes, as on PyPI: pip, proxies and the CDN cache them as immutable for a year.
   */
  replace?: readonly string[];
  /** Also describe every file (site-objects.ts) from the bytes in hand, so a lazy page is rendered once for both. */
  describe?: boolean;
  /**
   * Stops the write: no new file is started, the page writer's thread ends, the temporary folder
   * goes, and the call rejects with the signal's reason; the previous site stays as it was. The
   * library never listens to the process's signals: that is the caller's (the command's) to do.
   */
  signal?: AbortSignal;
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
export async function writeSiteToFolder(site: Site, out: string, options: FolderPublishOptions = {}): Promise<FolderPublishStats> {
  const { signal } = options;
  signal?.throwIfAborted();
  const outDir = resolve(out);
  const hadOld = assertReplaceable(outDir);
  mkdirSync(dirname(outDir), { recursive: true });
  removeStaleBuilds(outDir);
  // mkdir, not mkdtemp: mkdtemp makes the folder 0700, and the site would stay unreadable to a web server running as another user.
  const tmp = join(dirname(outDir), `${BUILDING_PREFIX(outDir)}${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(tmp);
  const stats: FolderPublishStats = { written: 0, unchanged: 0, removed: 0, total: site.size };
  const filesOptions = { tmp, outDir, hadOld, replace: options.replace ?? [], describe: options.describe ?? false };
  const files = new SiteFiles(filesOptions);
  let thread: PageWriter | undefined;
  // The thread is ended at once (a page it is writing is finished first); its end wakes the write
  // loop if it waits for it, and this thread's loop stops before its next file.
  const stopThread = (): void => void thread?.stop();
  signal?.addEventListener("abort", stopThread, { once: true });
  try {
    const portable = [...site.values()].map(portableOf).filter((p) => p !== undefined);
    if (
      wantsThread(
        portable.length,
        portable.reduce((n, p) => n + p.links, 0),
      )
    )
      thread = new PageWriter(filesOptions);
    await writeEntries(site, files, thread, signal);
    const report = merged(files.done(), await thread?.finish());
    // From here to the return nothing waits, so an abort cannot land between the two renames.
    signal?.throwIfAborted();
    stats.written = report.written;
    stats.unchanged = report.unchanged;
    if (report.changed.length > 0) {
      throw new UserError(
        `${plural(report.changed.length, "published file")} would change bytes under the same name; nothing was written:\n  ${report.changed.sort().join("\n  ")}\n` +
          "A file name keeps its bytes once published (pip, proxies and the CDN cache it as immutable for a year). " +
          "Publish a new version (or a wheel build tag), or replace on purpose with --replace-file NAME.",
      );
    }
    const objects = report.objects;
    if (objects)
      stats.objects = Object.fromEntries(
        Object.keys(objects)
          .sort()
          .map((p) => [p, objects[p] as SiteObjects[string]]),
      );
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
    // The folder goes only once nothing writes into it: removing it under a write would let that write leave a file, and the folder, behind.
    await thread?.stop();
    rmSync(tmp, { recursive: true, force: true });
    // Aborted, the thread's end surfaces as its failure: the abort is what happened.
    throw signal?.aborted ? signal.reason : e;
  } finally {
    signal?.removeEventListener("abort", stopThread);
  }
  return stats;
}

/** Both writers' reports as one. */
function merged(a: SiteFilesReport, b: SiteFilesReport | undefined): SiteFilesReport {
  if (!b) return a;
  const report: SiteFilesReport = { written: a.written + b.written, unchanged: a.unchanged + b.unchanged, changed: [...a.changed, ...b.changed] };
  if (a.objects || b.objects) report.objects = { ...a.objects, ...b.objects };
  return report;
}

const BUILDING_PREFIX = (outDir: string): string => `.${basename(outDir)}.building-`;

/** Temporary folders of earlier builds of this site whose process is gone (killed, crashed, lost power). */
function removeStaleBuilds(outDir: string): void {
  const parent = dirname(outDir);
  const prefix = BUILDING_PREFIX(outDir);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    // Folders of older versions carry no pid: they are stale too. A live build's folder (this process's included) is left alone.
    if (pid === process.pid || (Number.isInteger(pid) && pid > 0 && isAlive(pid))) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
