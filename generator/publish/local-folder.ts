import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import { UserError } from "../diagnostics/warnings.js";
import { bytesOf, isFileRef, type Site, type SiteEntry, type SiteFileRef } from "../site/site.js";
import { describeBody, type SiteObjects } from "../site/site-objects.js";

/**
 * Files are written synchronously: a page's open, write and close into the page cache take a few
 * microseconds, less than the promise and thread-pool round trip of each asynchronous call (15,000
 * pages: about 0.15 s written in turn, 0.35 s with 64 in flight, and the main thread busy twice
 * that long). The loop yields to the event loop every this many files, so a signal is handled
 * between two files, never in the middle of one.
 */
const FILES_BETWEEN_TURNS = 128;

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

/** How the previous site's file at a path compares with the new entry. */
function compareWithOld(oldPath: string, body: Uint8Array | SiteFileRef, immutable: boolean): "absent" | "same" | "changed" | { oldSha256: string; newSha256: string } {
  const old = statSync(oldPath, { throwIfNoEntry: false });
  if (!old?.isFile()) return "absent";
  // A page of another size changed; only a published file needs both hashes, for the error.
  if (!immutable && old.size !== (isFileRef(body) ? body.size : body.length)) return "changed";
  const oldBytes = readFileSync(oldPath);
  if (isFileRef(body) ? old.size === body.size && sha256(oldBytes) === body.sha256 : oldBytes.equals(body)) return "same";
  return { oldSha256: sha256(oldBytes), newSha256: isFileRef(body) ? body.sha256 : sha256(body) };
}

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

export interface FolderPublishOptions {
  /**
   * File names under `files/` whose bytes may change on purpose. Every other published file keeps
   * its bytes, as on PyPI: pip, proxies and the CDN cache them as immutable for a year.
   */
  replace?: readonly string[];
  /** Also describe every file (site-objects.ts) from the bytes in hand, so a lazy page is rendered once for both. */
  describe?: boolean;
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
  const outDir = resolve(out);
  const hadOld = assertReplaceable(outDir);
  mkdirSync(dirname(outDir), { recursive: true });
  removeStaleBuilds(outDir);
  // mkdir, not mkdtemp: mkdtemp makes the folder 0700, and the site would stay unreadable to a web server running as another user.
  const tmp = join(dirname(outDir), `${BUILDING_PREFIX(outDir)}${process.pid}-${randomBytes(4).toString("hex")}`);
  // Ctrl-C or a kill during the write leaves no half-built folder behind; listening before the
  // folder exists, so no signal can land between the two. No new write starts after the signal,
  // and the folder goes once the file being written is done (a file described reads its source
  // asynchronously; removing the folder under it would let a late write leave a file, and the
  // folder, behind). A second signal
  // ends the process at once; the next build removes what it left.
  let inFlight = 0;
  let stopping: NodeJS.Signals | undefined;
  const interrupted = (signal: NodeJS.Signals): void => {
    stopping = signal;
    const finish = (): void => {
      if (inFlight > 0) {
        setTimeout(finish, 5);
        return;
      }
      for (const dir of [tmp, `${tmp}.previous`]) {
        try {
          rmSync(dir, { recursive: true, force: true });
        } catch (e) {
          process.stderr.write(`error: could not remove ${dir}: ${(e as Error).message}\n`);
        }
      }
      process.exit(signal === "SIGINT" ? 130 : 143);
    };
    finish();
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    mkdirSync(tmp);
  } catch (e) {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    throw e;
  }
  const stats: FolderPublishStats = { written: 0, unchanged: 0, removed: 0, total: site.size };
  const objects: SiteObjects | undefined = options.describe ? {} : undefined;
  const replace = new Set(options.replace ?? []);
  const changed: string[] = [];
  try {
    // In the site's order, which renders pages cheapest (a summary page after the pages it summarises).
    const paths = [...site.keys()];
    for (const dir of new Set(paths.map((p) => dirname(join(tmp, p))))) mkdirSync(dir, { recursive: true });
    const writeOne = async (path: string): Promise<void> => {
      const entry = site.get(path) as SiteEntry;
      // A lazy page is rendered here, used for the comparison, the write and the description, then dropped.
      const body = isFileRef(entry.body) ? entry.body : bytesOf(entry.body);
      if (objects) objects[path] = await describeBody(body, entry);
      const dest = join(tmp, path);
      const oldPath = join(outDir, path);
      // A replaced file takes its `.metadata` and `.provenance` with it: they describe one upload.
      const immutable = path.startsWith("files/") && !replace.has(basename(path)) && !replace.has(basename(path).replace(/\.(metadata|provenance)$/, ""));
      const old = hadOld ? compareWithOld(oldPath, body, immutable) : "absent";
      if (old === "same") {
        linkSync(oldPath, dest);
        stats.unchanged++;
        return;
      }
      if (typeof old === "object" && immutable) {
        if (path.endsWith(".provenance")) {
          // PEP 740 provenance keeps the bytes first published, as every file under files/ does
          // (cached for a year); an attestation GitHub lists later, or a build with a cold cache,
          // must not fail the build for it. Pages name it by URL, not by hash.
          linkSync(oldPath, dest);
          if (objects) objects[path] = await describeBody(readFileSync(oldPath), entry);
          stats.unchanged++;
          return;
        }
        changed.push(`${path}: published with sha256 ${old.oldSha256}, now ${old.newSha256}`);
        return;
      }
      if (isFileRef(body)) copyFileSync(body.file, dest);
      else writeFileSync(dest, body);
      stats.written++;
    };
    let sinceTurn = 0;
    for (const path of paths) {
      if (stopping) break;
      inFlight++;
      try {
        await writeOne(path);
      } finally {
        inFlight--;
      }
      if (++sinceTurn === FILES_BETWEEN_TURNS) {
        sinceTurn = 0;
        await nextTurn();
      }
    }
    // Interrupted: the signal handler removes the folder and exits; the site must not be swapped in.
    if (stopping) await new Promise<never>(() => undefined);
    if (changed.length > 0) {
      throw new UserError(
        `${changed.length} published file(s) would change bytes under the same name; nothing was written:\n  ${changed.sort().join("\n  ")}\n` +
          "A file name keeps its bytes once published (pip, proxies and the CDN cache it as immutable for a year). " +
          "Publish a new version (or a wheel build tag), or replace on purpose with --replace-file NAME.",
      );
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
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
  if (objects) stats.objects = Object.fromEntries(Object.keys(objects).sort().map((p) => [p, objects[p] as SiteObjects[string]]));
  return stats;
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
