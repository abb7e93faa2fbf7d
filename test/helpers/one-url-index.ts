/**
 * The client matrix's index: ONE URL with an upstream behind it, on the three hosts a team can
 * have: `serve` (PEP 691 JSON by negotiation), the static host (HTML only, the Pages case, with the
 * CDN's upstream decision) and `serve --auth github` (a person's GitHub token as the password).
 *
 * Ours: `acme-app` needs our `acme-lib` and the upstream's `public-dep`. The upstream, on a host of
 * its own (127.0.0.2, as PyPI is another host), holds `public-dep` and squatters with higher
 * versions on `acme-app` and `acme-lib`, and `acme-ghost`, a name in our PEP 752 namespace `acme`
 * that we do not hold. One file of each side is recent (a day old) and the others old, for cooldowns.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultAccessMapPath, readAccessFile } from "../../generator/serving/access/access-map-file.js";
import { createAccessGate } from "../../generator/serving/access/gate.js";
import { createGitHubAccess } from "../../generator/serving/access/github-access.js";
import { readUpstreamRecord } from "../../generator/site/upstream-record.js";
import { GitHubEmulator } from "./github-emulator.js";
import { startObservedServer, type ObservedResponse, type ObservedServer } from "./observed-server.js";
import { tempDir } from "./paths.js";
import { makeWheel, type BuiltDist } from "./python-dists.js";
import { buildTo } from "./site.js";
import { startStaticFront } from "./static-front.js";
import { startUpstreamIndex, writeUpstreamFolder, type UpstreamIndex, type UpstreamRequest } from "./upstream-index.js";

export const ALICE = `ghp_${"a1".repeat(18)}`;
export const BOB = `ghp_${"b2".repeat(18)}`;

/** Even seconds: a zip stores times to two seconds. */
const at = (ms: number): Date => new Date(Math.floor(ms / 2000) * 2000);
export const OLD = at(Date.UTC(2024, 2, 1));
/** A day before the test run: inside any cooldown of a few days. */
export const RECENT = at(Date.now() - 24 * 3600 * 1000);

export type HostName = "serve" | "static" | "private";

export interface IndexHost {
  name: HostName;
  /** The simple root, ending in `/`, without credentials. */
  index: string;
  /** The same with the token in it (private only), as a URL client configuration writes it. */
  indexWithToken: string;
  server: ObservedServer;
  /** The person's credentials on the private host. */
  username?: string;
  password?: string;
}

export interface OneUrlIndex {
  hosts: IndexHost[];
  host(name: HostName): IndexHost;
  upstream: UpstreamIndex;
  /** sha256 of every file on either side, by file name. */
  sha256: Map<string, string>;
  close(): Promise<void>;
}

const sha = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

export async function startOneUrlIndex(label: string): Promise<OneUrlIndex> {
  const sha256 = new Map<string, string>();
  const keep = (d: BuiltDist): BuiltDist => (sha256.set(d.filename, sha(d.bytes)), d);
  const upstream = await startUpstreamIndex(
    writeUpstreamFolder({
      "public-dep": [
        { ...keep(makeWheel({ name: "public-dep", version: "1.0.0" })), uploadTime: OLD },
        { ...keep(makeWheel({ name: "public-dep", version: "1.1.0" })), uploadTime: RECENT },
      ],
      "acme-app": [{ ...keep(makeWheel({ name: "acme-app", version: "99.0.0" })), uploadTime: OLD }],
      "acme-lib": [{ ...keep(makeWheel({ name: "acme-lib", version: "99.0.0" })), uploadTime: OLD }],
      "acme-ghost": [{ ...keep(makeWheel({ name: "acme-ghost", version: "1.0.0" })), uploadTime: OLD }],
    }),
    { host: "127.0.0.2" },
  );
  const dists = tempDir(`${label}-ours`);
  for (const d of [
    makeWheel({ name: "acme-app", version: "1.0.0", requiresDist: ["acme-lib>=1.0", "public-dep>=1.0"], modified: OLD }),
    makeWheel({ name: "acme-lib", version: "1.0.0", modified: OLD }),
    makeWheel({ name: "acme-lib", version: "1.1.0", modified: RECENT }),
  ]) {
    writeFileSync(join(dists, keep(d).filename), d.bytes);
  }
  const site = join(tempDir(`${label}-site`), "site");
  // `acme` is a PEP 752 namespace: a name in it that the index does not hold is 404 on every host, never the upstream's.
  const built = await buildTo(site, { from: [dists], config: { upstream: { url: upstream.url, claimed: [] }, namespaces: ["acme"] } });
  assert.deepEqual(built.warnings, []);
  const recorded = await readUpstreamRecord(site);
  assert.ok(recorded, "the build records the upstream in the site");

  const emu = await GitHubEmulator.start({ token: `ghs_${"c3".repeat(18)}` });
  emu.setOrg("acme", [{ name: "pypi", private: true }]);
  emu.setPeople([
    { login: "alice", tokens: [ALICE], repositories: ["acme/pypi"] },
    { login: "bob", tokens: [BOB], repositories: [] },
  ]);
  const file = await readAccessFile(defaultAccessMapPath(site));
  assert.ok(file?.lists, "the build writes the access map and its list entries");
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: file.map, github: createGitHubAccess({ apiUrl: emu.apiUrl }) });

  const serve = await startObservedServer({ root: site, upstream: recorded });
  const staticHost = await startStaticFront({ root: site, upstream: recorded, held: built.index.projects.map((p) => p.name) });
  const gated = await startObservedServer({ root: site, upstream: recorded, access: { gate, realm: "acme/pypi", lists: file.lists } });
  const plain = (s: ObservedServer): string => `${s.url}/simple/`;
  const hosts: IndexHost[] = [
    { name: "serve", index: plain(serve), indexWithToken: plain(serve), server: serve },
    { name: "static", index: plain(staticHost), indexWithToken: plain(staticHost), server: staticHost },
    { name: "private", index: plain(gated), indexWithToken: plain(gated).replace("://", `://token:${ALICE}@`), server: gated, username: "token", password: ALICE },
  ];
  return {
    hosts,
    host: (name) => hosts.find((h) => h.name === name) as IndexHost,
    upstream,
    sha256,
    close: async () => {
      upstream.close();
      await Promise.all([serve.close(), staticHost.close(), gated.close(), emu.close()]);
    },
  };
}

/** What a host and the upstream saw between two marks: the requests of one client command. */
export interface Traffic {
  ours: ObservedResponse[];
  upstream: UpstreamRequest[];
}

/** Starts recording; `stop()` settles the upstream's log and returns what both sides saw since. */
export async function recordTraffic(index: OneUrlIndex, host: IndexHost): Promise<{ stop(): Promise<Traffic> }> {
  await index.upstream.settle();
  const ours = host.server.responses.length;
  const theirs = index.upstream.requests.length;
  return {
    stop: async () => {
      await index.upstream.settle();
      return { ours: host.server.responses.slice(ours), upstream: index.upstream.requests.slice(theirs) };
    },
  };
}

/** One line of what a client fetched, as the hosts recorded it. */
export function describeTraffic(t: Traffic): string {
  const pages = t.ours.filter((r) => r.path.startsWith("/simple/") && r.status === 200);
  const json = pages.filter((r) => r.contentType === "application/vnd.pypi.simple.v1+json").length;
  const metadata = t.ours.filter((r) => r.path.endsWith(".metadata") && r.status === 200).length;
  const files = t.ours.filter((r) => /\.(whl|tar\.gz|zip)$/.test(r.path) && (r.status === 200 || r.status === 206)).length;
  const ranges = t.ours.filter((r) => r.range !== "").length;
  const redirects = t.ours.filter((r) => r.status === 302).length;
  return `ours ${t.ours.length} requests (${json} JSON pages, ${pages.length - json} HTML pages, ${metadata} .metadata, ${files} files, ${ranges} ranges, ${redirects} upstream redirects); upstream ${t.upstream.length}`;
}

/** The checks every client run makes on what the upstream heard: no name of ours, no credentials. */
export function assertUpstreamClean(t: Traffic): void {
  assert.deepEqual(
    t.upstream.filter((q) => /acme/i.test(q.path)).map((q) => q.path),
    [],
    "the upstream never hears a name of ours or a claimed name",
  );
  assert.deepEqual(
    t.upstream.filter((q) => q.credentials).map((q) => q.path),
    [],
    "credentials never reach the upstream",
  );
}

/** `name==version` of the fixture's distributions (ours, the upstream's, the demo's) in a venv, from its dist-info folders. */
export function venvDistributions(venvDir: string): string[] {
  const lib = join(venvDir, "lib");
  const py = readdirSync(lib).find((n) => /^python\d/.test(n)) ?? "";
  return readdirSync(join(lib, py, "site-packages"))
    .filter((n) => n.endsWith(".dist-info"))
    .map((n) => {
      const [name = "", version = ""] = n.replace(/\.dist-info$/, "").split("-");
      return `${name.toLowerCase().replace(/[-_.]+/g, "-")}==${version}`;
    })
    .filter((n) => /^(acme|public|demo)-/.test(n))
    .sort();
}
