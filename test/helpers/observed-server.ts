/**
 * `github-pypi serve`'s own server, with every answer recorded as the client saw it: the path,
 * the status and the content type. Tests read which format a client was given (PEP 691 JSON or
 * HTML) and which files it fetched, without trusting the client's own log.
 */
import type { AddressInfo } from "node:net";
import { createIndexServer, type ServeOptions } from "../../generator/serving/server.js";

export interface ObservedResponse {
  method: string;
  path: string;
  status: number;
  contentType: string;
  /** The request's Accept, Range (empty when none) and whether it carried an Authorization header. */
  accept: string;
  range: string;
  credentials: boolean;
}

export interface ObservedServer {
  url: string;
  responses: ObservedResponse[];
  /** Content type of the last 200 answer for `path`, if it was asked for. */
  servedAs(path: string): string | undefined;
  fetched(pathPattern: RegExp): boolean;
  close(): Promise<void>;
}

export async function startObservedServer(options: Omit<ServeOptions, "port" | "host">): Promise<ObservedServer> {
  const server = createIndexServer(options);
  const responses: ObservedResponse[] = [];
  // A second listener only watches; the index server's own listener answers.
  server.on("request", (req, res) => {
    res.once("finish", () => {
      const type = res.getHeader("content-type");
      responses.push({
        method: req.method ?? "",
        path: (req.url ?? "").split("?")[0] ?? "",
        status: res.statusCode,
        contentType: typeof type === "string" ? (type.split(";")[0] ?? "") : "",
        accept: req.headers.accept ?? "",
        range: req.headers.range ?? "",
        credentials: req.headers.authorization !== undefined,
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    responses,
    servedAs: (path) => responses.filter((r) => r.path === path && r.status === 200).pop()?.contentType,
    fetched: (pattern) => responses.some((r) => r.status === 200 && pattern.test(r.path)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
