/**
 * A local stand-in for GitHub's REST API, for `github-pypi demo --private` only: it answers the
 * three questions the access gate asks with a person's token (generator/serving/access/github-access.ts)
 * about a fixed set of people and private repositories, and nothing else (404). It listens on
 * 127.0.0.1 and never talks to github.com.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInPerson {
  login: string;
  token: string;
  /** `OWNER/NAME` repositories this person may read (pull); every repository here is private. */
  reads: readonly string[];
}

export interface GitHubStandIn {
  /** The API root, e.g. http://127.0.0.1:40123 (what `--github-api-url` takes). */
  url: string;
  close(): Promise<void>;
}

/** One repository as GitHub's JSON gives it to a reader: the fields the gate checks. */
function repositoryJson(fullName: string, id: number): Record<string, unknown> {
  return {
    id,
    full_name: fullName,
    private: true,
    visibility: "private",
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
  };
}

/** The token of `Authorization: Bearer|token TOKEN`, as the gate sends it. */
function tokenOf(header: string | undefined): string | undefined {
  return /^(?:bearer|token)\s+(\S+)$/i.exec(header ?? "")?.[1];
}

export async function startGitHubStandIn(people: readonly StandInPerson[]): Promise<GitHubStandIn> {
  const byToken = new Map(people.map((p) => [p.token, p]));
  // GitHub ids are stable numbers; names compare case-insensitively, as on GitHub.
  const ids = new Map<string, number>();
  for (const p of people) for (const r of p.reads) if (!ids.has(r.toLowerCase())) ids.set(r.toLowerCase(), 1000 + ids.size);

  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? "/", "http://stand-in");
    const person = byToken.get(tokenOf(req.headers.authorization) ?? "");
    if (req.method !== "GET") return reply(404, { message: "Not Found" });
    if (!person) return reply(401, { message: "Bad credentials" });
    const reads = person.reads.map((r) => r.toLowerCase());

    if (url.pathname === "/user") return reply(200, { login: person.login, id: 1 + people.indexOf(person) });
    if (url.pathname === "/user/repos") {
      // One page holds them all: no Link header, and any later page is empty.
      const first = (url.searchParams.get("page") ?? "1") === "1";
      return reply(200, first ? person.reads.map((r) => repositoryJson(r, ids.get(r.toLowerCase()) ?? 0)) : []);
    }
    const repo = /^\/repos\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (repo) {
      const fullName = `${decodeURIComponent(repo[1] as string)}/${decodeURIComponent(repo[2] as string)}`;
      const known = person.reads[reads.indexOf(fullName.toLowerCase())];
      // GitHub answers 404, not 403, for a private repository the token may not read.
      return known ? reply(200, repositoryJson(known, ids.get(known.toLowerCase()) ?? 0)) : reply(404, { message: "Not Found" });
    }
    return reply(404, { message: "Not Found" });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
