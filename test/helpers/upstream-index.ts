/**
 * The upstream of the one-URL tests: a plain PEP 503 folder (written here with its own few
 * lines of HTML, not by the project's renderer) served by test/upstream/upstream_index.py, which
 * logs every request and whether it carried credentials.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { repoRoot, tempDir } from "./paths.js";
import type { BuiltDist } from "./python-dists.js";

export interface UpstreamRequest {
  path: string;
  status: number;
  credentials: boolean;
  accept: string;
}

export interface UpstreamIndex {
  /** The simple root, ending in `/`. */
  url: string;
  requests: UpstreamRequest[];
  /** Resolves once every request answered so far is in `requests` (its log line travels apart from its answer). */
  settle(): Promise<void>;
  close(): void;
}

const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "-");

/** A file of the upstream's; with an upload time, its project also gets a PEP 691 JSON page carrying PEP 700's `upload-time`. */
export type UpstreamFile = Pick<BuiltDist, "filename" | "bytes"> & { uploadTime?: Date };

/**
 * Writes `simple/<name>/index.html` for each project and its files beside it, as PEP 503
 * describes, and `index.json` (API 1.1: `versions`, `size`, `upload-time`) for a project whose
 * files carry upload times, as PyPI serves them.
 */
export function writeUpstreamFolder(projects: Record<string, UpstreamFile[]>): string {
  const dir = tempDir("upstream-index");
  const names = Object.keys(projects).map(normalise).sort();
  mkdirSync(join(dir, "simple"), { recursive: true });
  writeFileSync(join(dir, "simple", "index.html"), `<!DOCTYPE html><html><body>${names.map((n) => `<a href="${n}/">${n}</a>`).join("")}</body></html>\n`);
  for (const [name, dists] of Object.entries(projects)) {
    const folder = join(dir, "simple", normalise(name));
    mkdirSync(folder, { recursive: true });
    const links = dists.map((d) => {
      writeFileSync(join(folder, d.filename), d.bytes);
      return `<a href="${d.filename}#sha256=${createHash("sha256").update(d.bytes).digest("hex")}">${d.filename}</a><br>`;
    });
    writeFileSync(join(folder, "index.html"), `<!DOCTYPE html><html><body>${links.join("\n")}</body></html>\n`);
    if (dists.some((d) => d.uploadTime)) {
      const files = dists.map((d) => ({
        filename: d.filename,
        url: d.filename,
        hashes: { sha256: createHash("sha256").update(d.bytes).digest("hex") },
        size: d.bytes.length,
        ...(d.uploadTime ? { "upload-time": d.uploadTime.toISOString() } : {}),
      }));
      const versions = [...new Set(dists.map((d) => d.filename.split("-")[1] ?? ""))];
      writeFileSync(join(folder, "index.json"), JSON.stringify({ meta: { "api-version": "1.1" }, name: normalise(name), versions, files }));
    }
  }
  return dir;
}

/** `host`: the loopback address it listens on (default 127.0.0.1); another one makes it a host of its own, as PyPI is. */
export async function startUpstreamIndex(folder: string, options: { host?: string } = {}): Promise<UpstreamIndex> {
  const host = options.host ?? "127.0.0.1";
  const child = spawn("python3", [join(repoRoot, "test/upstream/upstream_index.py"), folder, host], { stdio: ["ignore", "pipe", "inherit"] });
  const requests: UpstreamRequest[] = [];
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`upstream_index.py exited with ${code}`)));
    lines.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  // The server writes each line before it answers; a marker asked after the client is done comes after them all.
  const markers = new Map<string, () => void>();
  lines.on("line", (line) => {
    const request = JSON.parse(line) as UpstreamRequest;
    const marker = markers.get(request.path);
    if (marker) marker();
    else requests.push(request);
  });
  let n = 0;
  const settle = async (): Promise<void> => {
    const path = `/settle-marker-${n++}`;
    const seen = new Promise<void>((resolve) => markers.set(path, resolve));
    await (await fetch(`http://${host}:${port}${path}`)).arrayBuffer();
    await seen;
    markers.delete(path);
  };
  return { url: `http://${host}:${port}/simple/`, requests, settle, close: () => void child.kill() };
}
