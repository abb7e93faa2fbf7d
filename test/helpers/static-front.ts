/**
 * The Pages case with one URL: the built site's files served as a static host serves them (a
 * folder URL answers its index.html, so HTML only; no content negotiation; Range and conditional
 * requests as `send` answers them), and, for a project page the site does not have, the decision
 * the CDN's origin-response function makes (generator/serving/routing/upstream.ts's `decideUpstream`):
 * the upstream redirect for a name neither held nor claimed, else the 404. Every answer is
 * recorded as the client saw it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import send from "send";
import { claimedTest, type UpstreamSettings } from "../../generator/protocol/upstream-settings.js";
import { decideUpstream, UPSTREAM_REDIRECT_STATUS } from "../../generator/serving/routing/upstream.js";
import { contentTypeFor } from "../../generator/protocol/content-type.js";
import type { ObservedResponse, ObservedServer } from "./observed-server.js";

export interface StaticFrontOptions {
  root: string;
  upstream?: UpstreamSettings;
  /** Normalised names the site holds (the origin-response function has them baked in). */
  held: string[];
}

export async function startStaticFront(options: StaticFrontOptions): Promise<ObservedServer> {
  const responses: ObservedResponse[] = [];
  const held = new Set(options.held);
  const isClaimed = claimedTest(options.upstream?.claimed ?? []);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    res.once("finish", () => {
      const type = res.getHeader("content-type");
      responses.push({
        method: req.method ?? "",
        path,
        status: res.statusCode,
        contentType: typeof type === "string" ? (type.split(";")[0] ?? "") : "",
        accept: req.headers.accept ?? "",
        range: req.headers.range ?? "",
        credentials: req.headers.authorization !== undefined,
      });
    });
    const notFound = (): void => {
      let sitePath: string;
      try {
        sitePath = `${decodeURIComponent(path).replace(/^\//, "")}${path.endsWith("/") ? "index.html" : ""}`;
      } catch {
        sitePath = "";
      }
      const decision = decideUpstream(sitePath, (name) => held.has(name), options.upstream, isClaimed);
      if (decision.kind === "upstream") {
        res.writeHead(UPSTREAM_REDIRECT_STATUS, { location: decision.location, "content-type": "text/plain; charset=utf-8" });
        res.end(`Found: ${decision.location}\n`);
        return;
      }
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("Not Found\n");
    };
    send(req, path, { root: options.root, index: ["index.html"], dotfiles: "deny", etag: true, lastModified: true })
      .on("headers", (r: http.ServerResponse, file: string) => r.setHeader("content-type", contentTypeFor(file.slice(options.root.length))))
      .on("error", (err: { status?: number }) => {
        if (err.status === 404 || err.status === 403) notFound();
        else {
          res.writeHead(err.status ?? 500);
          res.end();
        }
      })
      .on("directory", notFound)
      .pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    responses,
    servedAs: (p) => responses.filter((r) => r.path === p && r.status === 200).pop()?.contentType,
    fetched: (pattern) => responses.some((r) => (r.status === 200 || r.status === 206) && pattern.test(r.path)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
