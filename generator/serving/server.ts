/**
 * The local server behind `github-pypi serve`: serves a built site directory with the same
 * routing (generator/serving/routing/router.ts) the CloudFront Function will use, so that what you try
 * locally is what gets deployed.
 *
 * Files are sent with `send` (ETag/If-None-Match → 304, Last-Modified, HEAD, single byte
 * ranges → 206/416, no directory listings, dotfiles denied); Content-Type, Cache-Control and
 * Vary come from the router (send's own Cache-Control is disabled).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import send from "send";
import { route, type RouteResult } from "./routing/router.js";
import { claimedTest, type UpstreamSettings } from "../protocol/upstream-settings.js";
import { decideUpstream, UPSTREAM_REDIRECT_STATUS } from "./routing/upstream.js";
import { contentTypeFor } from "../protocol/content-type.js";
import { DEFAULT_HOST, DEFAULT_INDEX_MAX_AGE_SECONDS, DEFAULT_PORT } from "../config/defaults.js";
import type { AccessGate } from "./access/gate.js";
import { renderListPage, type ListPages } from "./access/list-pages.js";
import { isListPage } from "./access/list-uri.js";
import { LIST_PAGE_CACHE_CONTROL, PRIVATE_CONTENT_SECURITY_POLICY, describeVerdict, privateCacheControl, refusalFor } from "./access/responses.js";

export interface ServeOptions {
  /** The built site directory. */
  root: string;
  /** Default DEFAULT_HOST (loopback). */
  host?: string;
  /** Default DEFAULT_PORT; 0 picks any free port. */
  port?: number;
  /** max-age for index pages; default DEFAULT_INDEX_MAX_AGE_SECONDS. */
  indexMaxAgeSeconds?: number;
  /** Called with one line per request: method, path, status (and, behind the gate, who). */
  log?: (line: string) => void;
  /**
   * A private index: every file needs a GitHub token that may read its repository, and the list
   * pages are rendered per person from `lists` (generator/serving/access/); the site's own are never sent.
   */
  access?: { gate: AccessGate; realm: string; lists: ListPages };
  /** Project pages the site does not hold (and no claimed pattern covers) redirect here (generator/serving/routing/upstream.ts). */
  upstream?: UpstreamSettings;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8000 */
  url: string;
  port: number;
  close(): Promise<void>;
}

type FileResult = Extract<RouteResult, { kind: "file" }>;

/** Control characters (newlines above all) and backslashes written as escapes, so no input can forge a log line. */
export function escapeLogText(text: string): string {
  return text.replace(/[\\\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === "\\") return "\\\\";
    return code > 0xff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\x${code.toString(16).padStart(2, "0")}`;
  });
}

/** Percent-encode each segment of a decoded site-relative path. */
function encodePath(sitePath: string): string {
  return sitePath.split("/").map(encodeURIComponent).join("/");
}

function clearHeaders(res: http.ServerResponse): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.setHeader("X-Content-Type-Options", "nosniff");
}

function sendText(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = body.endsWith("\n") ? body : body + "\n";
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (!res.hasHeader("Cache-Control")) res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  if (req.method === "HEAD") res.end();
  else res.end(text);
}

/** Whether the site holds this project page (a file, not a folder or a link out of the site). */
async function holdsPage(root: string, sitePath: string): Promise<boolean> {
  return stat(path.resolve(root, sitePath)).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Whether the file really lies inside the site once symbolic links are followed: a link in the
 * site that points elsewhere (`/etc/passwd`, a home folder) must not be served.
 */
async function insideRoot(realRoot: string, abs: string): Promise<boolean> {
  try {
    const real = await realpath(abs);
    return real.startsWith(realRoot + path.sep);
  } catch (e) {
    // A missing file is send's 404 to give; anything else unreadable is refused here.
    return (e as NodeJS.ErrnoException).code === "ENOENT";
  }
}

async function serveFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  root: string,
  realRoot: Promise<string>,
  result: FileResult,
  /** Sent with the file only, never with a 404 (so a refusal and a missing file stay alike). */
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  // Defence in depth: the router already rejects "..", NUL and backslashes, and send refuses
  // paths that climb out of its root, but check the resolved path anyway, links followed.
  const abs = path.resolve(root, result.path);
  if (!abs.startsWith(root + path.sep) || !(await insideRoot(await realRoot, abs))) {
    sendText(req, res, 404, "Not Found");
    return;
  }
  const stream = send(req, "/" + encodePath(result.path), {
    root,
    index: false, // the router maps "dir/" to "dir/index.html"; never list directories
    dotfiles: "deny",
    cacheControl: false,
    etag: true,
    lastModified: true,
    acceptRanges: true,
  });
  // A folder is never answered with send's redirect to "folder/": that would tell a folder (a project) exists.
  stream.on("directory", () => sendText(req, res, 404, "Not Found"));
  stream.on("headers", (r: http.ServerResponse) => {
    for (const [k, v] of Object.entries(extraHeaders)) r.setHeader(k, v);
    r.setHeader("Content-Type", result.contentType ?? contentTypeFor(result.path));
    r.setHeader("Cache-Control", result.cacheControl);
    if (result.vary) r.setHeader("Vary", result.vary);
  });
  stream.on("error", (err: Error & { status?: number; statusCode?: number; headers?: Record<string, string> }) => {
    if (res.headersSent) {
      res.destroy(err);
      return;
    }
    let status = err.status ?? err.statusCode ?? 500;
    if (status === 403) status = 404; // dotfiles: do not reveal that they exist
    clearHeaders(res);
    const message = status === 404 ? "Not Found" : status === 416 ? "Range Not Satisfiable" : (http.STATUS_CODES[status] ?? "Error");
    sendText(req, res, status, message, err.headers ?? {});
  });
  stream.pipe(res);
}

/** A list page for the person asking (generator/serving/access/list-pages.ts); `said` gets the log's "who" before anything is sent. */
async function serveListPage(req: http.IncomingMessage, res: http.ServerResponse, file: FileResult, access: NonNullable<ServeOptions["access"]>, said: (who: string) => void): Promise<void> {
  const verdict = await access.gate.list(req.headers.authorization, file.path, req.socket.remoteAddress);
  const refusal = refusalFor(verdict, access.realm);
  if (refusal || verdict.kind !== "allow") {
    said(describeVerdict(verdict));
    if (refusal) sendText(req, res, refusal.status, refusal.body, refusal.headers);
    return;
  }
  said(`${verdict.who} (lists ${verdict.projects.length}${verdict.complete ? "" : ", repositories truncated"})`);
  const body = Buffer.from(renderListPage(access.lists, file.path, new Set(verdict.projects)), "utf8");
  res.statusCode = 200;
  res.setHeader("Content-Type", file.contentType ?? contentTypeFor(file.path));
  res.setHeader("Cache-Control", LIST_PAGE_CACHE_CONTROL);
  res.setHeader("Vary", file.vary ? `${file.vary}, Authorization` : "Authorization");
  res.setHeader("Content-Security-Policy", PRIVATE_CONTENT_SECURITY_POLICY);
  res.setHeader("Content-Length", body.length);
  res.end(req.method === "HEAD" ? undefined : body);
}

/** An http.Server (not yet listening) serving the built site in `options.root`. */
export function createIndexServer(options: ServeOptions): http.Server {
  const root = path.resolve(options.root);
  // The site folder itself may be reached through a link (a deploy folder swapped atomically).
  const realRoot = realpath(root).catch(() => root);
  const log = options.log;
  const indexMaxAgeSeconds = options.indexMaxAgeSeconds ?? DEFAULT_INDEX_MAX_AGE_SECONDS;
  const upstream = options.upstream;
  const isClaimed = upstream ? claimedTest(upstream.claimed) : undefined;
  return http.createServer((req, res) => {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const rawPath = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? "" : url.slice(q + 1);

    let who = "";
    if (log) {
      let logged = false;
      const done = (): void => {
        if (logged) return;
        logged = true;
        // The URL and the verdict (a GitHub login, a reason) come from outside: one request, one line.
        log(escapeLogText(`${method} ${url} ${res.statusCode}${who ? ` ${who}` : ""}`));
      };
      res.once("finish", done);
      res.once("close", done);
    }

    res.setHeader("X-Content-Type-Options", "nosniff");
    let result: RouteResult;
    try {
      result = route({ method, path: rawPath, query, accept: req.headers.accept }, { indexMaxAgeSeconds });
    } catch {
      sendText(req, res, 500, "Internal Server Error");
      return;
    }
    switch (result.kind) {
      case "redirect":
        sendText(req, res, result.status, `Moved Permanently: ${result.location}`, {
          Location: result.location,
          "Cache-Control": `public, max-age=${indexMaxAgeSeconds}`,
        });
        return;
      case "error":
        sendText(req, res, result.status, result.message, result.status === 405 ? { Allow: "GET, HEAD" } : {});
        return;
      case "file": {
        const access = options.access;
        const file = result;
        const toUpstream = (location: string, cacheControl: string): void => sendText(req, res, UPSTREAM_REDIRECT_STATUS, `Found: ${location}`, { Location: location, "Cache-Control": cacheControl });
        const decided = upstream ? decideUpstream(file.path, () => false, upstream, isClaimed) : ({ kind: "site" } as const);
        // Only a project page the site lacks goes upstream: look at the disk just then.
        const decision = decided.kind === "site" ? Promise.resolve(decided) : holdsPage(root, file.path).then((held) => (held ? ({ kind: "site" } as const) : decided));
        if (!access) {
          decision
            .then((d) => (d.kind === "upstream" ? toUpstream(d.location, `public, max-age=${indexMaxAgeSeconds}`) : serveFile(req, res, root, realRoot, file)))
            .catch(() => sendText(req, res, 500, "Internal Server Error"));
          return;
        }
        if (isListPage(file.path)) {
          serveListPage(req, res, file, access, (w) => (who = w)).catch(() => sendText(req, res, 500, "Internal Server Error"));
          return;
        }
        decision
          .then(async (d) => {
            // A public name still needs a person who may use the index, or an invented token could tell ours from theirs.
            const verdict = await access.gate.check(req.headers.authorization, d.kind === "upstream" ? "simple/index.html" : file.path, req.socket.remoteAddress);
            return { d, verdict };
          })
          .then(({ d, verdict }) => {
            who = describeVerdict(verdict);
            if (d.kind === "upstream" && verdict.kind === "allow") return toUpstream(d.location, `private, max-age=${indexMaxAgeSeconds}`);
            const refusal = refusalFor(verdict, access.realm);
            if (refusal) {
              sendText(req, res, refusal.status, refusal.body, refusal.headers);
              return;
            }
            const served = { ...file, cacheControl: privateCacheControl(file.cacheControl) };
            return serveFile(req, res, root, realRoot, served, { "Content-Security-Policy": PRIVATE_CONTENT_SECURITY_POLICY });
          })
          .catch(() => sendText(req, res, 500, "Internal Server Error"));
        return;
      }
    }
  });
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

/** Start serving `options.root`; resolves once listening (port 0 picks a free port). */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const server = createIndexServer(options);
  const host = options.host ?? DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
