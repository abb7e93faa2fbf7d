/**
 * The folder publisher's write loop: every entry of a site, in the site's order (which renders pages
 * cheapest: a summary page after the pages it summarises). With a page writer thread, the portable
 * pages (render/portable.ts) go to it as data whenever it takes more, and the others are rendered
 * and written here meanwhile. (Sending it the other pages as text as well gained nothing on two
 * cores, and cost memory.)
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { isFileRef, type PortableRender, type Site, type SiteEntry } from "../site/site.js";
import type { SiteFileJob, SiteFiles } from "./site-files.js";
import { PAGES_A_BATCH, type PageJob, type PageWriter } from "./page-writer.js";

/**
 * The loop yields to the event loop every this many files, so an abort lands between two files and
 * the page writer's answers are heard.
 */
const FILES_BETWEEN_TURNS = 32;

/** The entry's page as the page writer's thread renders it, when it has one. */
export function portableOf(entry: SiteEntry): PortableRender | undefined {
  const { body } = entry;
  return isFileRef(body) || body instanceof Uint8Array ? undefined : body.portable;
}

/** A lazy page is rendered here and dropped once written; a text page goes as text, encoded as it is written. */
function bodyOf(entry: SiteEntry): SiteFileJob["body"] {
  const { body } = entry;
  if (isFileRef(body) || body instanceof Uint8Array) return body;
  return body.text ? body.text() : body.render();
}

/**
 * Writes every entry; once `signal` aborts, starts nothing more and rejects with its reason. The
 * file being written here is finished first, so the caller may remove the folder when this settles.
 */
export async function writeEntries(site: Site, files: SiteFiles, thread: PageWriter | undefined, signal?: AbortSignal): Promise<void> {
  const portable: string[] = [];
  const here: string[] = [];
  for (const [path, entry] of site) (thread && portableOf(entry) ? portable : here).push(path);
  let sent = 0;
  let next = 0;
  let sinceTurn = 0;
  for (;;) {
    signal?.throwIfAborted();
    if (thread && sent < portable.length && thread.takesMore()) {
      const batch = portable.slice(sent, sent + PAGES_A_BATCH).map((path): PageJob => {
        const entry = site.get(path) as SiteEntry;
        return { path, page: (portableOf(entry) as PortableRender).page(), contentType: entry.contentType, cacheControl: entry.cacheControl };
      });
      thread.send(batch);
      sent += batch.length;
    } else if (next < here.length) {
      const path = here[next++] as string;
      const entry = site.get(path) as SiteEntry;
      const write = files.write({ path, body: bodyOf(entry), contentType: entry.contentType, cacheControl: entry.cacheControl });
      // Awaited only when there is something to wait for: a microtask a file adds up over a large site.
      if (write) await write;
      if (++sinceTurn === FILES_BETWEEN_TURNS) {
        sinceTurn = 0;
        await nextTurn();
      }
    } else if (thread && sent < portable.length) {
      await thread.answered();
    } else {
      return;
    }
  }
}
