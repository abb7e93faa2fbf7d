/**
 * The page writer's thread (page-writer.ts starts it): renders and writes each batch of pages it is
 * sent, in order, answering each batch, then its report at the end or the first failure, after
 * which it writes nothing more.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { renderPortable } from "../render/portable.js";
import { SiteFiles, type SiteFilesOptions } from "./site-files.js";
import type { FromPageWriter, ToPageWriter } from "./page-writer.js";

function parent(): MessagePort {
  if (!parentPort) throw new Error("internal: page-writer-worker runs as a worker thread");
  return parentPort;
}
const port = parent();
const files = new SiteFiles(workerData as SiteFilesOptions);
const answer = (message: FromPageWriter): void => port.postMessage(message);
let failed = false;
// Batches are handled one after another even when one waits on a read (a described file).
let queue = Promise.resolve();

async function handle(message: ToPageWriter): Promise<void> {
  if (failed) return;
  try {
    if (message.kind === "end") {
      answer({ kind: "done", report: files.done() });
      return;
    }
    for (const { path, page, contentType, cacheControl } of message.jobs) await files.write({ path, body: renderPortable(page), contentType, cacheControl });
    answer({ kind: "written" });
  } catch (e) {
    failed = true;
    const error = e as Error;
    answer({ kind: "failed", message: error.message, ...(error.stack ? { stack: error.stack } : {}) });
  }
}

port.on("message", (message: ToPageWriter) => {
  queue = queue.then(() => handle(message));
});
