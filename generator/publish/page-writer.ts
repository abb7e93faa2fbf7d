/**
 * A thread of its own for the pages another thread can render (render/portable.ts: a project's
 * simple pages, two of the three pages a project has): it renders and writes them while the build's
 * thread renders and writes the rest (write-entries.ts), so a large site uses both of the machine's
 * cores. The pages go as plain data, in batches, a few batches at most in flight.
 */
import { Worker } from "node:worker_threads";
import type { PortablePage } from "../render/portable.js";
import type { SiteFilesOptions, SiteFilesReport } from "./site-files.js";

/**
 * When a site's portable pages get the thread: enough of them, long enough. The thread pays when
 * rendering those pages, which it does beside the build's thread, outweighs sending them and the
 * two threads creating files side by side. Measured on two cores: 10,000 pages of 20 links each,
 * 0.2 s sooner; 10,000 pages of 2 links, no sooner and 8 MiB more memory.
 */
export function wantsThread(pages: number, links: number): boolean {
  return pages >= 1000 && links >= 8 * pages;
}

/** Pages a batch: a project's two pages usually travel together, their data copied once. */
export const PAGES_A_BATCH = 32;
/** Batches sent and not yet written, at most: enough to keep the thread busy while the build's thread renders, little memory held. */
const IN_FLIGHT = 6;

export interface PageJob {
  path: string;
  page: PortablePage;
  contentType: string;
  cacheControl: string;
}

export type ToPageWriter = { kind: "jobs"; jobs: PageJob[] } | { kind: "end" };
export type FromPageWriter = { kind: "written" } | { kind: "done"; report: SiteFilesReport } | { kind: "failed"; message: string; stack?: string };

/**
 * The thread's entry: the compiled module beside this one, or from the sources (tests, the stack)
 * the TypeScript file, loaded through the same TypeScript loader as the build.
 */
function startWorker(options: SiteFilesOptions): Worker {
  const here = import.meta.url;
  // A small young generation: the thread keeps nothing, and a large one only adds to the build's peak memory (16 MiB by default).
  const resourceLimits = { maxYoungGenerationSizeMb: 4 };
  if (!here.endsWith(".ts")) return new Worker(new URL("./page-writer-worker.js", here), { workerData: options, resourceLimits });
  const entry = new URL("./page-writer-worker.ts", here).href;
  const loader = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: options, resourceLimits });
}

export class PageWriter {
  private readonly worker: Worker;
  private inFlight = 0;
  private report: SiteFilesReport | undefined;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(options: SiteFilesOptions) {
    this.worker = startWorker(options);
    this.worker.on("message", (message: FromPageWriter) => {
      if (message.kind === "written") this.inFlight--;
      else if (message.kind === "done") this.report = message.report;
      else this.fail(Object.assign(new Error(message.message), message.stack ? { stack: message.stack } : {}));
      this.wake?.();
    });
    this.worker.on("error", (e) => this.fail(e));
    this.worker.on("exit", (code) => {
      if (!this.report) this.fail(new Error(`internal: the page writer ended (exit code ${code}) before it had written the site`));
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake?.();
  }

  /** Whether it takes another batch now; throws once it has failed. */
  takesMore(): boolean {
    if (this.failure) throw this.failure;
    return this.inFlight < IN_FLIGHT;
  }

  send(jobs: PageJob[]): void {
    this.worker.postMessage({ kind: "jobs", jobs } satisfies ToPageWriter);
    this.inFlight++;
  }

  /** Resolves when the thread has answered again (a batch written, or its failure, which then rejects). */
  async answered(): Promise<void> {
    if (!this.failure) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    if (this.failure) throw this.failure;
  }

  /** Every page sent written: what it wrote, linked and refused. */
  async finish(): Promise<SiteFilesReport> {
    this.worker.postMessage({ kind: "end" } satisfies ToPageWriter);
    while (!this.report) await this.answered();
    await this.worker.terminate();
    return this.report;
  }

  /** Writes nothing more: resolves once the thread is gone (a page being written is finished first). */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
