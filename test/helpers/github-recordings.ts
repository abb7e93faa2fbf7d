/**
 * GitHub's own answers, recorded from api.github.com by the Octokit project (`@octokit/fixtures`:
 * each scenario's raw-fixture.json holds every request and response with its real headers), and a
 * server that replays them as they were sent. The emulator is held to these: when the two
 * disagree, the emulator is wrong.
 *
 * The package's index module is never imported: it loads nock, which would take over `http` in
 * the test process.
 */
import http from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/** The host every recorded URL names; the replay puts its own address in its place. */
export const RECORDED_API = "https://api.github.com";

const rawExchange = z.object({
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  response: z.unknown(),
  /** Name, value, name, value, ...: a header sent twice (GitHub sends two Vary lines) appears twice. */
  rawHeaders: z.array(z.string()),
  reqheaders: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  responseIsBinary: z.boolean().optional(),
});

export interface RecordedExchange {
  scenario: string;
  /** Upper case. */
  method: string;
  /** Path and query as requested. */
  path: string;
  /** The request's Accept header. */
  accept: string;
  status: number;
  /** Response headers in order, names lower-cased. */
  headers: [string, string][];
  /** Parsed JSON, or the text of a raw answer; "" when there was none. */
  body: unknown;
}

const require = createRequire(import.meta.url);

/** Every exchange of one api.github.com scenario (`get-content`, `release-assets`, ...), setup requests included. */
export function recording(scenario: string): RecordedExchange[] {
  const file = require.resolve(`@octokit/fixtures/scenarios/api.github.com/${scenario}/raw-fixture.json`);
  const parsed = z.array(rawExchange).parse(JSON.parse(readFileSync(file, "utf8")));
  return parsed.map((x) => {
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < x.rawHeaders.length; i += 2) headers.push([(x.rawHeaders[i] as string).toLowerCase(), x.rawHeaders[i + 1] as string]);
    return { scenario, method: x.method.toUpperCase(), path: x.path, accept: String(x.reqheaders?.accept ?? ""), status: x.status, headers, body: x.response };
  });
}

/**
 * The exchange of a scenario that matches: the only one, or the first of several when asked; a
 * recording without it is a broken test, not a pass.
 */
export function exchange(scenario: string, method: string, path: RegExp, status?: number, which: "only" | "first" = "only"): RecordedExchange {
  const hits = recording(scenario).filter((x) => x.method === method && path.test(x.path) && (status === undefined || x.status === status));
  if (hits.length === 0 || (which === "only" && hits.length > 1)) throw new Error(`${scenario}: ${hits.length} recorded ${method} exchanges match ${String(path)}`);
  return hits[0] as RecordedExchange;
}

/** A header as `fetch` reports it: every line of that name, joined with ", ". */
export function recordedHeader(x: RecordedExchange, name: string): string | null {
  const values = x.headers.filter(([n]) => n === name).map(([, v]) => v);
  return values.length ? values.join(", ") : null;
}

export interface ReplayRoute {
  method: string;
  /** Matched against the request's path and query. */
  path: RegExp;
  /** The recorded answer sent back: its status, its headers and (unless `body` is given) its body. */
  answer: RecordedExchange;
  /**
   * A body composed of recorded values where GitHub's recordings hold none for this request
   * (a listing whose items were recorded one by one); the caller says where it came from.
   */
  body?: unknown;
}

export interface Replay {
  url: string;
  /** Requests in order: method, path and query, the Accept header, and the status sent (0: no route). */
  requests: { method: string; url: string; accept: string; status: number }[];
  close(): Promise<void>;
}

/** Headers that describe the recorded connection rather than the answer; Node sets its own. */
const HOP_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "date"]);

/**
 * Answers each request with the first route that matches, exactly as recorded: status, headers
 * (both Vary lines, the ETag, the content type with its charset) and body, with recorded URLs
 * pointing at the replay. A request no route matches is 599, so a test sees it was not recorded.
 */
export async function startReplay(routes: ReplayRoute[]): Promise<Replay> {
  const requests: Replay["requests"] = [];
  let url = "";
  const server = http.createServer((req, res) => {
    const record = { method: req.method ?? "GET", url: req.url ?? "/", accept: req.headers.accept ?? "", status: 0 };
    requests.push(record);
    const route = routes.find((r) => r.method === record.method && r.path.test(record.url));
    if (!route) {
      record.status = 599;
      res.writeHead(599, { "content-type": "text/plain" }).end(`no recorded answer for ${record.method} ${record.url}\n`);
      return;
    }
    const here = (text: string): string => text.replaceAll(RECORDED_API, url);
    const value = route.body === undefined ? route.answer.body : route.body;
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const headers: [string, string][] = route.answer.headers.filter(([n]) => !HOP_HEADERS.has(n)).map(([n, v]) => [n, here(v)]);
    record.status = route.answer.status;
    res.writeHead(route.answer.status, headers.flat());
    res.end(route.answer.status === 204 || route.answer.status === 304 ? undefined : here(text));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
