/**
 * A local stand-in for the GitHub REST endpoints the index generator reads, plus a second server
 * playing the signed-URL object host that asset downloads are redirected to. Payloads follow the
 * published OpenAPI schemas so client code meets the shapes (and the awkward cases) it will meet
 * in production: pagination, conditional requests, rate limits, flaky answers, Range requests.
 */
import { createHash } from "node:crypto";
import http, { STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import type { components } from "@octokit/openapi-types";
import snappy from "snappyjs";

type Schemas = components["schemas"];
type MinimalRepository = Schemas["minimal-repository"];
type FullRepository = Schemas["full-repository"];
type Release = Schemas["release"];
type ReleaseAsset = Schemas["release-asset"];
type Tag = Schemas["tag"];
type ContentFile = Schemas["content-file"];
type SimpleUser = Schemas["simple-user"];
type PrivateUser = Schemas["private-user"];
type RepoPermissions = NonNullable<MinimalRepository["permissions"]>;

export interface EmulatedAsset {
  name: string;
  /** The bytes, or a function producing them (for big benchmarks: called when needed, never retained; size and sha256 are computed once and cached). */
  bytes: Uint8Array | (() => Uint8Array);
  /** "auto" (default): `sha256:<hex of bytes>`; null: GitHub gave no digest; a string: sent as is (lets tests send a WRONG digest). */
  digest?: string | null;
  /** default from extension: application/octet-stream / application/gzip / application/zip */
  contentType?: string;
  /** ISO; default a fixed deterministic time derived from the asset id */
  updatedAt?: string;
  /** When it was uploaded (ISO); default a fixed time in 2024 derived from the asset id. */
  createdAt?: string;
  /** default uploaded */
  state?: "uploaded" | "open";
  /** `size` in the listing when it must differ from the bytes served (a host that cuts downloads short). */
  listedSize?: number;
}

/** One attestation in GitHub's store: a Sigstore bundle, held as given (tests pass real and broken ones). */
export interface EmulatedAttestation {
  bundle: unknown;
  /** The `repository_id` GitHub lists it with; default the repository's own id. */
  repositoryId?: number;
  /** `initiator` as GitHub lists it (`"user"` for a workflow's attest step); left out when unset. */
  initiator?: string;
  /** Bytes the blob host serves for it instead of the snappy-compressed bundle (a blob that is not snappy, or cut short). */
  blob?: Uint8Array;
}

/** An answer set as is for one digest: a malformed body, or a status of its own. */
export interface RawAttestationAnswer {
  raw: string;
  status?: number;
}

export interface EmulatedRelease {
  tag: string;
  name?: string;
  draft?: boolean;
  prerelease?: boolean;
  publishedAt?: string;
  assets: EmulatedAsset[];
}

export interface EmulatedTag {
  name: string;
  /** commit sha; default a deterministic 40-hex derived from repo+tag */
  sha?: string;
  /** repository files at this tag, path -> text (e.g. "pyproject.toml", "setup.cfg"); served by the contents API with ?ref=<tag> */
  files?: Record<string, string>;
}

export interface EmulatedRepo {
  name: string;
  /** sets visibility "private" too */
  private?: boolean;
  visibility?: "public" | "private" | "internal";
  archived?: boolean;
  topics?: string[];
  /** listed newest first like GitHub (i.e. in the order given) */
  releases?: EmulatedRelease[];
  tags?: EmulatedTag[];
  /** clone_url in the payload; default `${htmlBase}/${org}/${name}.git` */
  cloneUrl?: string;
  /** Names it had before a rename: GitHub answers them with 301 to `/repositories/{id}/...`, as recorded. */
  formerNames?: string[];
  defaultBranch?: string;
  /** GitHub's attestation store for the repository: subject digest (`sha256:<hex>`) -> its attestations, or an answer as is. */
  attestations?: Record<string, EmulatedAttestation[] | RawAttestationAnswer>;
  /** How this repository's attestation listings carry bundles; default the emulator's `attestationBundles`. */
  attestationBundles?: "url" | "inline";
}

/** Someone whose own token the API sees: `GET /user` names them, and private repositories answer only if granted. */
export interface EmulatedPerson {
  login: string;
  /** tokens that authenticate as this person (classic, fine-grained `github_pat_...`, `gho_...`; any string of visible ASCII, may contain ':'). */
  tokens: string[];
  /** `OWNER/NAME` of private or internal repositories this person may read (case-insensitive). Public repositories are readable by everyone. */
  repositories: string[];
}

export type Fault =
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  /** primary rate limit: `status` (403 default, or 429), x-ratelimit-remaining: 0, x-ratelimit-reset = now + resetInSeconds (epoch seconds), message "API rate limit exceeded for ..." */
  | { kind: "rate-limit"; status?: 403 | 429; resetInSeconds: number }
  /** destroys the socket without a response (a network error) */
  | { kind: "reset" };

export interface FaultRule {
  /** default "api" */
  server?: "api" | "download";
  /**
   * matched against the request pathname (no query), exact string or RegExp, as sent and
   * percent-decoded: clients send `sha256%3A…` for an attestation digest, rules may say `sha256:…`
   */
  path: string | RegExp;
  fault: Fault;
  /** how many matching requests fail before the real answer comes back; default Infinity (persistent) */
  times?: number;
}

export interface RequestRecord {
  server: "api" | "download";
  method: string;
  /** path with query, as requested */
  url: string;
  /** 0 while in flight, and for a "reset" fault (no response at all) */
  status: number;
  /** request headers, lower-case names */
  headers: Record<string, string | string[] | undefined>;
  /** response body bytes actually written */
  bytes: number;
}

export interface EmulatorOptions {
  /** default 30, max 100, like GitHub; honours ?per_page and ?page */
  defaultPerPage?: number;
  /** download host honours Range (default true); false: Range ignored, 200 with the whole body */
  rangeSupport?: boolean;
  /**
   * An all-seeing bot/app token. If set, API requests must carry it (`token <t>`, `Bearer <t>` or Basic with it as the password)
   * or a person's token (see `setPeople`), else 401 with GitHub's JSON body. If unset and no people are set, any/no auth is accepted.
   */
  token?: string;
  /**
   * How attestation listings carry bundles. "url" (default, what GitHub does since 2026-07-16):
   * `"bundle": null` and a pre-signed `bundle_url` on the download host, which serves the bundle
   * snappy-compressed (`application/x-snappy`) without asking for a token. "inline": the bundle in
   * the listing, as older answers (and the shared real record) have it.
   */
  attestationBundles?: "url" | "inline";
}

const DOCS = "https://docs.github.com/rest";
const RATE_LIMIT = 5000;
const MAX_PER_PAGE = 100;
const CHUNK = 64 * 1024;
/** Anchor for every default timestamp, so payloads (and their ETags) are reproducible. */
const EPOCH = Date.UTC(2024, 0, 1);
const ID_BASE = { org: 9_000_000, user: 60_000_000, repo: 700_000_000, release: 150_000_000, asset: 200_000_000 } as const;
type IdKind = keyof typeof ID_BASE;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const sha = (algo: string, data: string | Uint8Array): string => createHash(algo).update(data).digest("hex");
const enc = encodeURIComponent;
const encPath = (path: string): string => path.split("/").map(enc).join("/");
/** Plausible GraphQL node ids (prefix + opaque base64), unique per id. */
const nodeId = (prefix: string, id: number): string => `${prefix}_kwDO${Buffer.from(id.toString(16).padStart(8, "0"), "hex").toString("base64url")}`;

function defaultContentType(name: string): string {
  if (/\.(tar\.gz|tgz|gz)$/i.test(name)) return "application/gzip";
  if (/\.zip$/i.test(name)) return "application/zip";
  return "application/octet-stream";
}

/** GitHub's contents API wraps base64 at 60 columns, each line (the last too) ending in `\n`. */
const wrapBase64 = (b64: string): string => (b64.match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join("");

/** Weak comparison of an If-None-Match list (or `*`) against one ETag. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === bare);
}

/** Response headers; a name with several values is sent as several lines (GitHub's two Vary lines). */
type ResponseHeaders = Record<string, string | number | string[]>;

type ByteRange = { kind: "whole" } | { kind: "partial"; start: number; end: number } | { kind: "unsatisfiable" };

/** One `bytes=` range per RFC 9110; anything we do not honour (other units, several ranges, bad syntax) means the whole body. */
function parseRange(header: string | undefined, size: number): ByteRange {
  const whole: ByteRange = { kind: "whole" };
  const m = header ? /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header) : null;
  if (!m) return whole;
  const [first, last] = [m[1] ?? "", m[2] ?? ""];
  if (first === "" && last === "") return whole;
  if (first === "") {
    const n = Number(last);
    return n === 0 || size === 0 ? { kind: "unsatisfiable" } : { kind: "partial", start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return whole;
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", start, end: last === "" ? size - 1 : Math.min(Number(last), size - 1) };
}

interface OrgEntry {
  name: string;
  id: number;
  repos: EmulatedRepo[];
  /** A user account owns repositories too; `/orgs/{user}/repos` is then 404, as on GitHub. */
  type: "Organization" | "User";
}
interface AssetHome {
  org: OrgEntry;
  repo: EmulatedRepo;
  release: EmulatedRelease;
  asset: EmulatedAsset;
}
interface AssetMeta {
  source: EmulatedAsset["bytes"];
  size: number;
  sha256: string;
  md5: string;
}
interface Ctx {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  record: RequestRecord;
}

/**
 * Who an API request speaks for. "open": nothing is enforced (no people, no options.token), today's behaviour;
 * "bot": options.token, sees everything; "person": one of the people; "anonymous": no Authorization header, public repositories only.
 */
type Caller = { kind: "open"; authorization: boolean } | { kind: "bot" } | { kind: "person"; person: EmulatedPerson } | { kind: "anonymous" };

/** The token in an Authorization header: `token X` / `Bearer X` (any case), or the password (after the first colon) of `Basic base64(user:X)`. */
function credential(header: string | undefined): string | undefined {
  const m = /^\s*(token|bearer|basic)\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m?.[1] || !m[2]) return undefined;
  if (m[1].toLowerCase() !== "basic") return m[2];
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(m[2])) return undefined;
  const decoded = Buffer.from(m[2], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 || colon === decoded.length - 1 ? undefined : decoded.slice(colon + 1);
}

/** The URL fields every user and organisation object carries, derived from its API URL. */
function accountUrls(u: string) {
  return {
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
  };
}

/** Actions' bot: the usual uploader of release assets and author of releases. */
function botUser(apiUrl: string, htmlBase: string): SimpleUser {
  const login = "github-actions[bot]";
  const id = 41898282;
  const u = `${apiUrl}/users/${enc(login)}`;
  return {
    login,
    id,
    node_id: "MDM6Qm90NDE4OTgyODI=",
    avatar_url: `${htmlBase}/avatars/in/15368?v=4`,
    gravatar_id: "",
    url: u,
    html_url: `${htmlBase}/apps/github-actions`,
    ...accountUrls(u),
    type: "Bot",
    user_view_type: "public",
    site_admin: false,
  };
}

export class GitHubEmulator {
  readonly apiUrl: string;
  readonly downloadUrl: string;
  readonly htmlBase: string;
  readonly requests: RequestRecord[] = [];

  private readonly orgs = new Map<string, OrgEntry>();
  private readonly orgIds = new Map<string, number>();
  private readonly userIds = new Map<string, number>();
  /** undefined until setPeople: then tokens are checked and anonymous callers see public repositories only */
  private people: EmulatedPerson[] | undefined;
  private readonly revokedTokens = new Set<string>();
  private readonly ids = new WeakMap<object, number>();
  private readonly counters: Record<IdKind, number> = { ...ID_BASE };
  private readonly assetHomes = new Map<number, AssetHome>();
  private readonly metas = new WeakMap<EmulatedAsset, AssetMeta>();
  private faults: { rule: FaultRule; left: number }[] = [];
  private remaining = RATE_LIMIT;
  private readonly resetAt = Math.floor(Date.now() / 1000) + 3600;
  private requestSeq = 0;
  private readonly perPage: number;
  private readonly bot: SimpleUser;

  private constructor(
    private readonly options: EmulatorOptions,
    private readonly api: http.Server,
    private readonly download: http.Server,
  ) {
    this.apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    this.downloadUrl = `http://127.0.0.1:${(download.address() as AddressInfo).port}`;
    this.htmlBase = `${this.apiUrl}/html`;
    this.perPage = Math.min(MAX_PER_PAGE, Math.max(1, options.defaultPerPage ?? 30));
    this.bot = botUser(this.apiUrl, this.htmlBase);
  }

  static async start(options: EmulatorOptions = {}): Promise<GitHubEmulator> {
    const listen = (server: http.Server) =>
      new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
    const api = http.createServer();
    const download = http.createServer();
    await Promise.all([listen(api), listen(download)]);
    const emu = new GitHubEmulator(options, api, download);
    api.on("request", (req, res) => emu.serve("api", req, res));
    download.on("request", (req, res) => emu.serve("download", req, res));
    return emu;
  }

  setOrg(org: string, repos: EmulatedRepo[]): void {
    const key = org.toLowerCase();
    if (!this.orgIds.has(key)) this.orgIds.set(key, this.counters.org++);
    this.orgs.set(key, { name: org, id: this.orgIds.get(key) ?? 0, repos, type: "Organization" });
    this.indexAssets(); // hands out ids now, in declaration order, so they do not depend on request order
  }

  /** A user account's repositories: listed by `/users/{login}/repos` (public ones) and, for that user's own token, `/user/repos`. */
  setUser(login: string, repos: EmulatedRepo[]): void {
    this.setOrg(login, repos);
    const entry = this.orgs.get(login.toLowerCase());
    if (entry) entry.type = "User";
  }

  repo(org: string, name: string): EmulatedRepo {
    const found = this.findRepo(org, name);
    if (!found) throw new Error(`no repository ${org}/${name} in the emulator`);
    return found.repo;
  }

  /**
   * Replaces the people (copied: change access with grant/revoke, or call setPeople again). From the first call on,
   * tokens are checked even without options.token: unknown ones get 401, and requests without one are anonymous.
   */
  setPeople(people: EmulatedPerson[]): void {
    this.people = people.map((p) => ({ login: p.login, tokens: [...p.tokens], repositories: [...p.repositories] }));
    for (const p of this.people) this.userId(p.login); // ids in declaration order, not request order
  }

  /** This token (a person's or options.token) now gets 401 Bad credentials, for good (setPeople does not bring it back). */
  revokeToken(token: string): void {
    this.revokedTokens.add(token);
  }

  /** Lets a person read a private or internal repository (`OWNER/NAME`, case-insensitive). */
  grant(login: string, fullName: string): void {
    const person = this.person(login);
    if (!person.repositories.some((r) => r.toLowerCase() === fullName.toLowerCase())) person.repositories.push(fullName);
  }

  /** Takes that access away again (public repositories stay readable). */
  revoke(login: string, fullName: string): void {
    const person = this.person(login);
    person.repositories = person.repositories.filter((r) => r.toLowerCase() !== fullName.toLowerCase());
  }

  addFault(rule: FaultRule): void {
    this.faults.push({ rule, left: rule.times ?? Infinity });
  }

  /** Milliseconds each API request waits before it is answered (GitHub's distance); 0 by default. */
  latencyMs = 0;
  private holds: { path: string | RegExp; until: Promise<unknown> }[] = [];

  /** API requests whose pathname matches wait until `until` settles, then are answered as usual (a lookup kept in flight). */
  hold(path: string | RegExp, until: Promise<unknown>): void {
    const held = { path, until };
    this.holds.push(held);
    void until.catch(() => undefined).then(() => (this.holds = this.holds.filter((h) => h !== held)));
  }

  clearFaults(): void {
    this.faults = [];
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  stats(): { api: Record<number, number>; download: Record<number, number>; apiBytes: number; downloadBytes: number } {
    const out = { api: {} as Record<number, number>, download: {} as Record<number, number>, apiBytes: 0, downloadBytes: 0 };
    for (const r of this.requests) {
      out[r.server][r.status] = (out[r.server][r.status] ?? 0) + 1;
      if (r.server === "api") out.apiBytes += r.bytes;
      else out.downloadBytes += r.bytes;
    }
    return out;
  }

  async close(): Promise<void> {
    const stop = (server: http.Server) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    await Promise.all([stop(this.api), stop(this.download)]);
  }

  // ---- lookup -------------------------------------------------------------------------------

  private id(obj: object, kind: IdKind): number {
    let id = this.ids.get(obj);
    if (id === undefined) this.ids.set(obj, (id = this.counters[kind]++));
    return id;
  }

  private person(login: string): EmulatedPerson {
    const person = this.people?.find((p) => p.login.toLowerCase() === login.toLowerCase());
    if (!person) throw new Error(`no person ${login} in the emulator`);
    return person;
  }

  /** Stable per login (case-insensitive) for the emulator's lifetime. */
  private userId(login: string): number {
    const key = login.toLowerCase();
    let id = this.userIds.get(key);
    if (id === undefined) this.userIds.set(key, (id = this.counters.user++));
    return id;
  }

  /** Public repositories are readable by all; private and internal ones by the bot, or by a person they were granted to. */
  private readable(caller: Caller, org: OrgEntry, repo: EmulatedRepo): boolean {
    if (caller.kind === "open" || caller.kind === "bot") return true;
    if ((repo.visibility ?? (repo.private ? "private" : "public")) === "public" && !repo.private) return true;
    if (caller.kind === "anonymous") return false;
    if (org.type === "User" && org.name.toLowerCase() === caller.person.login.toLowerCase()) return true;
    const full = `${org.name}/${repo.name}`.toLowerCase();
    return caller.person.repositories.some((r) => r.toLowerCase() === full);
  }

  /** What `permissions` says to this caller: absent for anonymous callers, like GitHub. */
  private permissions(caller: Caller): RepoPermissions | undefined {
    switch (caller.kind) {
      case "open":
        return { admin: false, maintain: false, push: true, triage: true, pull: true };
      case "bot":
        return { admin: true, maintain: true, push: true, triage: true, pull: true };
      case "person":
        return { admin: false, maintain: false, push: false, triage: false, pull: true };
      case "anonymous":
        return undefined;
    }
  }

  private findRepo(org: string, name: string): { org: OrgEntry; repo: EmulatedRepo } | undefined {
    const entry = this.orgs.get(org.toLowerCase());
    // Owner and repository names are case-insensitive on GitHub.
    const repo = entry?.repos.find((r) => r.name.toLowerCase() === name.toLowerCase());
    return entry && repo ? { org: entry, repo } : undefined;
  }

  private findRepoById(id: number): { org: OrgEntry; repo: EmulatedRepo } | undefined {
    for (const org of this.orgs.values()) for (const repo of org.repos) if (this.ids.get(repo) === id) return { org, repo };
    return undefined;
  }

  private findRenamed(org: string, name: string): { org: OrgEntry; repo: EmulatedRepo } | undefined {
    const entry = this.orgs.get(org.toLowerCase());
    const repo = entry?.repos.find((r) => r.formerNames?.some((n) => n.toLowerCase() === name.toLowerCase()));
    return entry && repo ? { org: entry, repo } : undefined;
  }

  private indexAssets(): void {
    for (const org of this.orgs.values()) {
      for (const repo of org.repos) {
        this.id(repo, "repo");
        for (const release of repo.releases ?? []) {
          this.id(release, "release");
          for (const asset of release.assets) this.assetHomes.set(this.id(asset, "asset"), { org, repo, release, asset });
        }
      }
    }
  }

  /** The asset with this id, if still present (tests mutate the live objects between runs). */
  private findAsset(id: number): AssetHome | undefined {
    const live = (h: AssetHome | undefined): h is AssetHome =>
      !!h && this.orgs.get(h.org.name.toLowerCase()) === h.org && h.org.repos.includes(h.repo) && !!h.repo.releases?.includes(h.release) && h.release.assets.includes(h.asset);
    const home = this.assetHomes.get(id);
    if (live(home)) return home;
    this.indexAssets();
    const again = this.assetHomes.get(id);
    return live(again) ? again : undefined;
  }

  /** The bytes (produced afresh if lazy) with their cached size and hashes. */
  private load(asset: EmulatedAsset): { data: Uint8Array; meta: AssetMeta } {
    const data = typeof asset.bytes === "function" ? asset.bytes() : asset.bytes;
    return { data, meta: this.meta(asset, data) };
  }

  private meta(asset: EmulatedAsset, data?: Uint8Array): AssetMeta {
    const cached = this.metas.get(asset);
    if (cached && cached.source === asset.bytes) return cached;
    const bytes = data ?? (typeof asset.bytes === "function" ? asset.bytes() : asset.bytes);
    const meta = { source: asset.bytes, size: bytes.length, sha256: sha("sha256", bytes), md5: sha("md5", bytes) };
    this.metas.set(asset, meta);
    return meta;
  }

  private tagSha(org: OrgEntry, repo: EmulatedRepo, tag: EmulatedTag): string {
    return tag.sha ?? sha("sha1", `${org.name}/${repo.name}@${tag.name}`);
  }

  // ---- payloads -----------------------------------------------------------------------------

  private orgUser(org: OrgEntry): SimpleUser {
    const u = `${this.apiUrl}/users/${enc(org.name)}`;
    return {
      login: org.name,
      id: org.id,
      node_id: nodeId("O", org.id),
      avatar_url: `${this.htmlBase}/avatars/u/${org.id}?v=4`,
      gravatar_id: "",
      url: u,
      html_url: `${this.htmlBase}/${enc(org.name)}`,
      ...accountUrls(u),
      type: org.type,
      user_view_type: "public",
      site_admin: false,
    };
  }

  private repoJson(org: OrgEntry, repo: EmulatedRepo, permissions: RepoPermissions | undefined): MinimalRepository {
    const id = this.id(repo, "repo");
    const full = `${org.name}/${repo.name}`;
    const a = `${this.apiUrl}/repos/${full}`;
    const html = `${this.htmlBase}/${full}`;
    const visibility = repo.visibility ?? (repo.private ? "private" : "public");
    const created = iso(EPOCH + (id - ID_BASE.repo) * 86_400_000);
    const topics = repo.topics ?? [];
    return {
      id,
      node_id: nodeId("R", id),
      name: repo.name,
      full_name: full,
      private: repo.private ?? visibility !== "public",
      owner: this.orgUser(org),
      html_url: html,
      description: null,
      fork: false,
      url: a,
      forks_url: `${a}/forks`,
      keys_url: `${a}/keys{/key_id}`,
      collaborators_url: `${a}/collaborators{/collaborator}`,
      teams_url: `${a}/teams`,
      hooks_url: `${a}/hooks`,
      issue_events_url: `${a}/issues/events{/number}`,
      events_url: `${a}/events`,
      assignees_url: `${a}/assignees{/user}`,
      branches_url: `${a}/branches{/branch}`,
      tags_url: `${a}/tags`,
      blobs_url: `${a}/git/blobs{/sha}`,
      git_tags_url: `${a}/git/tags{/sha}`,
      git_refs_url: `${a}/git/refs{/sha}`,
      trees_url: `${a}/git/trees{/sha}`,
      statuses_url: `${a}/statuses/{sha}`,
      languages_url: `${a}/languages`,
      stargazers_url: `${a}/stargazers`,
      contributors_url: `${a}/contributors`,
      subscribers_url: `${a}/subscribers`,
      subscription_url: `${a}/subscription`,
      commits_url: `${a}/commits{/sha}`,
      git_commits_url: `${a}/git/commits{/sha}`,
      comments_url: `${a}/comments{/number}`,
      issue_comment_url: `${a}/issues/comments{/number}`,
      contents_url: `${a}/contents/{+path}`,
      compare_url: `${a}/compare/{base}...{head}`,
      merges_url: `${a}/merges`,
      archive_url: `${a}/{archive_format}{/ref}`,
      downloads_url: `${a}/downloads`,
      issues_url: `${a}/issues{/number}`,
      pulls_url: `${a}/pulls{/number}`,
      milestones_url: `${a}/milestones{/number}`,
      notifications_url: `${a}/notifications{?since,all,participating}`,
      labels_url: `${a}/labels{/name}`,
      releases_url: `${a}/releases{/id}`,
      deployments_url: `${a}/deployments`,
      created_at: created,
      updated_at: created,
      pushed_at: created,
      git_url: `${html.replace(/^http/, "git")}.git`,
      ssh_url: `git@127.0.0.1:${full}.git`,
      clone_url: repo.cloneUrl ?? `${html}.git`,
      svn_url: html,
      homepage: null,
      size: 42,
      stargazers_count: 0,
      watchers_count: 0,
      language: "Python",
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: false,
      has_pages: false,
      has_discussions: false,
      forks_count: 0,
      mirror_url: null,
      archived: repo.archived ?? false,
      disabled: false,
      open_issues_count: 0,
      license: null,
      allow_forking: false,
      is_template: false,
      web_commit_signoff_required: false,
      topics,
      visibility,
      forks: 0,
      open_issues: 0,
      watchers: 0,
      default_branch: repo.defaultBranch ?? "main",
      ...(permissions ? { permissions } : {}),
    };
  }

  /**
   * `GET /repos/{owner}/{repo}` answers the full view of a repository (listings give the minimal
   * one): merge settings, counts and, in an organisation, the organisation itself, as recorded.
   */
  private fullRepoJson(org: OrgEntry, repo: EmulatedRepo, permissions: RepoPermissions | undefined): FullRepository {
    const minimal = this.repoJson(org, repo, permissions);
    const { role_name: _role, permissions: _minimalPermissions, ...rest } = minimal;
    return {
      ...rest,
      ...(permissions ? { permissions: { admin: false, push: false, pull: false, ...permissions } } : {}),
      description: minimal.description ?? null,
      git_url: minimal.git_url ?? "",
      ssh_url: minimal.ssh_url ?? "",
      clone_url: minimal.clone_url ?? "",
      svn_url: minimal.svn_url ?? "",
      mirror_url: minimal.mirror_url ?? null,
      homepage: minimal.homepage ?? null,
      language: minimal.language ?? null,
      forks_count: minimal.forks_count ?? 0,
      stargazers_count: minimal.stargazers_count ?? 0,
      watchers_count: minimal.watchers_count ?? 0,
      size: minimal.size ?? 0,
      default_branch: minimal.default_branch ?? "main",
      open_issues_count: minimal.open_issues_count ?? 0,
      has_issues: minimal.has_issues ?? true,
      has_projects: minimal.has_projects ?? true,
      has_wiki: minimal.has_wiki ?? false,
      has_pages: minimal.has_pages ?? false,
      has_discussions: minimal.has_discussions ?? false,
      archived: minimal.archived ?? false,
      disabled: minimal.disabled ?? false,
      pushed_at: minimal.pushed_at ?? iso(EPOCH),
      created_at: minimal.created_at ?? iso(EPOCH),
      updated_at: minimal.updated_at ?? iso(EPOCH),
      license: null,
      forks: minimal.forks ?? 0,
      open_issues: minimal.open_issues ?? 0,
      watchers: minimal.watchers ?? 0,
      allow_rebase_merge: true,
      allow_squash_merge: true,
      allow_merge_commit: true,
      allow_auto_merge: false,
      allow_update_branch: false,
      delete_branch_on_merge: false,
      use_squash_pr_title_as_default: false,
      temp_clone_token: "",
      network_count: 0,
      subscribers_count: 0,
      ...(org.type === "Organization" ? { organization: this.orgUser(org) } : {}),
    };
  }

  /** `GET /user` for a person: the private view of their own account. */
  private personJson(person: EmulatedPerson): PrivateUser {
    const id = this.userId(person.login);
    const u = `${this.apiUrl}/users/${enc(person.login)}`;
    const created = iso(EPOCH + (id - ID_BASE.user) * 86_400_000);
    return {
      login: person.login,
      id,
      node_id: nodeId("U", id),
      avatar_url: `${this.htmlBase}/avatars/u/${id}?v=4`,
      gravatar_id: "",
      url: u,
      html_url: `${this.htmlBase}/${enc(person.login)}`,
      ...accountUrls(u),
      type: "User",
      user_view_type: "private",
      site_admin: false,
      name: person.login,
      company: null,
      blog: "",
      location: null,
      email: null,
      notification_email: null,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: created,
      updated_at: created,
      private_gists: 0,
      total_private_repos: 0,
      owned_private_repos: 0,
      disk_usage: 0,
      collaborators: 0,
      two_factor_authentication: true,
      plan: { name: "free", space: 976562499, collaborators: 0, private_repos: 10000 },
    };
  }

  private assetJson(org: OrgEntry, repo: EmulatedRepo, release: EmulatedRelease, asset: EmulatedAsset): ReleaseAsset {
    const id = this.id(asset, "asset");
    const full = `${org.name}/${repo.name}`;
    const meta = this.meta(asset);
    const digest = asset.digest === undefined || asset.digest === "auto" ? `sha256:${meta.sha256}` : asset.digest;
    const created = EPOCH + (id - ID_BASE.asset) * 60_000;
    return {
      url: `${this.apiUrl}/repos/${full}/releases/assets/${id}`,
      id,
      node_id: nodeId("RA", id),
      name: asset.name,
      label: "",
      uploader: this.bot,
      content_type: asset.contentType ?? defaultContentType(asset.name),
      state: asset.state ?? "uploaded",
      size: asset.listedSize ?? meta.size,
      digest,
      download_count: 0,
      created_at: asset.createdAt ?? iso(created),
      updated_at: asset.updatedAt ?? iso((asset.createdAt ? Date.parse(asset.createdAt) : created) + 30_000),
      browser_download_url: `${this.htmlBase}/${full}/releases/download/${enc(release.tag)}/${enc(asset.name)}`,
    };
  }

  private releaseJson(org: OrgEntry, repo: EmulatedRepo, release: EmulatedRelease): Release {
    const id = this.id(release, "release");
    const full = `${org.name}/${repo.name}`;
    const a = `${this.apiUrl}/repos/${full}`;
    const created = iso(EPOCH + (id - ID_BASE.release) * 3_600_000);
    const draft = release.draft ?? false;
    return {
      url: `${a}/releases/${id}`,
      assets_url: `${a}/releases/${id}/assets`,
      upload_url: `${this.apiUrl}/uploads/repos/${full}/releases/${id}/assets{?name,label}`,
      // Drafts have no public tag page yet; GitHub shows them under an `untagged-` placeholder.
      html_url: `${this.htmlBase}/${full}/releases/tag/${draft ? `untagged-${sha("sha1", String(id)).slice(0, 20)}` : enc(release.tag)}`,
      id,
      author: this.bot,
      node_id: nodeId("RE", id),
      tag_name: release.tag,
      target_commitish: repo.defaultBranch ?? "main",
      name: release.name ?? release.tag,
      draft,
      immutable: false,
      prerelease: release.prerelease ?? false,
      created_at: created,
      updated_at: created,
      published_at: draft ? null : (release.publishedAt ?? created),
      assets: release.assets.map((asset) => this.assetJson(org, repo, release, asset)),
      tarball_url: draft ? null : `${a}/tarball/${enc(release.tag)}`,
      zipball_url: draft ? null : `${a}/zipball/${enc(release.tag)}`,
      body: "",
    };
  }

  private tagJson(org: OrgEntry, repo: EmulatedRepo, tag: EmulatedTag): Tag {
    const a = `${this.apiUrl}/repos/${org.name}/${repo.name}`;
    const commit = this.tagSha(org, repo, tag);
    return {
      name: tag.name,
      zipball_url: `${a}/zipball/refs/tags/${enc(tag.name)}`,
      tarball_url: `${a}/tarball/refs/tags/${enc(tag.name)}`,
      commit: { sha: commit, url: `${a}/commits/${commit}` },
      node_id: `REF_kwDO${Buffer.from(`${org.name}/${repo.name}:refs/tags/${tag.name}`).toString("base64url").slice(0, 24)}`,
    };
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private serve(server: "api" | "download", req: http.IncomingMessage, res: http.ServerResponse): void {
    const record: RequestRecord = { server, method: req.method ?? "GET", url: req.url ?? "/", status: 0, headers: { ...req.headers }, bytes: 0 };
    this.requests.push(record);
    const ctx: Ctx = { req, res, record };
    const url = new URL(req.url ?? "/", server === "api" ? this.apiUrl : this.downloadUrl);
    const done = (err: unknown): void => {
      if (res.headersSent) res.destroy(err instanceof Error ? err : undefined);
      else this.send(ctx, 500, { "content-type": "text/plain" }, Buffer.from(String(err)));
    };
    const answer = (): void => {
      try {
        if (this.fault(server, url.pathname, ctx)) return;
        if (server === "api") this.routeApi(url, ctx);
        else this.routeDownload(url, ctx).catch(done);
      } catch (err) {
        done(err);
      }
    };
    const waits: Promise<unknown>[] =
      server === "api" ? this.holds.filter((h) => (typeof h.path === "string" ? h.path === url.pathname : new RegExp(h.path).test(url.pathname))).map((h) => h.until.catch(() => undefined)) : [];
    if (server === "api" && this.latencyMs > 0) waits.push(new Promise((resolve) => setTimeout(resolve, this.latencyMs)));
    if (waits.length === 0) answer();
    else void Promise.all(waits).then(answer);
  }

  /** Writes a response with a body held in memory; HEAD gets the headers only. */
  private send(ctx: Ctx, status: number, headers: ResponseHeaders, body: Uint8Array = new Uint8Array()): void {
    const { req, res, record } = ctx;
    const withBody = req.method !== "HEAD" && status !== 304 && status !== 204;
    record.status = status;
    res.writeHead(status, { ...headers, ...(status === 304 ? {} : { "content-length": body.length }) });
    if (withBody) record.bytes += body.length;
    res.end(withBody ? body : undefined);
  }

  private rateHeaders(consume: boolean): Record<string, string> {
    if (consume) this.remaining = Math.max(0, this.remaining - 1);
    return {
      "x-ratelimit-limit": String(RATE_LIMIT),
      "x-ratelimit-remaining": String(this.remaining),
      "x-ratelimit-reset": String(this.resetAt),
      "x-ratelimit-used": String(RATE_LIMIT - this.remaining),
      "x-ratelimit-resource": "core",
    };
  }

  /**
   * What every API answer carries, as recorded from api.github.com: a success is cacheable by the
   * caller alone and varies by who asks (two Vary lines); an error carries neither.
   */
  private baseHeaders(status = 200): ResponseHeaders {
    const n = ++this.requestSeq;
    const h = sha("sha1", `request ${n}`).toUpperCase();
    const ok = status >= 200 && status < 300;
    return {
      "x-github-request-id": `${h.slice(0, 4)}:${h.slice(4, 9)}:${h.slice(9, 16)}:${h.slice(16, 23)}:${n.toString(16).toUpperCase().padStart(8, "0")}`,
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      ...(ok ? { "cache-control": "private, max-age=60, s-maxage=60" } : {}),
      vary: ok ? ["Accept, Authorization, Cookie, X-GitHub-OTP", "Accept-Encoding, Accept, X-Requested-With"] : "Accept-Encoding, Accept, X-Requested-With",
    };
  }

  /**
   * An API answer: JSON (or raw) body, ETag and 304 on a matching If-None-Match, rate-limit
   * accounting. The ETag is strong, as recorded: the SHA-256 of a JSON body, or what `extra` names
   * (a raw file's is its blob id).
   */
  private reply(ctx: Ctx, status: number, value: unknown, extra: Record<string, string> = {}, raw?: Uint8Array): void {
    const body = raw ?? Buffer.from(JSON.stringify(value));
    const ok = status >= 200 && status < 300;
    const etag = extra.etag ?? `"${sha("sha256", body)}"`;
    const ifNoneMatch = ctx.req.headers["if-none-match"];
    if (ok && etagMatches(ifNoneMatch, etag)) {
      // Conditional hits are free on GitHub: they do not count against the rate limit.
      this.send(ctx, 304, { ...this.baseHeaders(), ...this.rateHeaders(false), etag, ...(extra["last-modified"] ? { "last-modified": extra["last-modified"] } : {}) });
      return;
    }
    const { etag: _named, ...rest } = extra;
    const headers: ResponseHeaders = {
      "content-type": "application/json; charset=utf-8",
      ...this.baseHeaders(status),
      ...this.rateHeaders(true),
      ...(ok ? { etag } : {}),
      ...rest,
    };
    this.send(ctx, status, headers, body);
  }

  private notFound(ctx: Ctx): void {
    this.reply(ctx, 404, { message: "Not Found", documentation_url: DOCS, status: "404" });
  }

  /** Applies the first live fault rule matching this request; true if it answered. */
  private fault(server: "api" | "download", pathname: string, ctx: Ctx): boolean {
    const forms = [pathname, safeDecode(pathname)];
    const hit = this.faults.find(({ rule, left }) => {
      if ((rule.server ?? "api") !== server || left <= 0) return false;
      const path = rule.path;
      if (typeof path === "string") return forms.includes(path);
      return forms.some((form) => {
        path.lastIndex = 0;
        return path.test(form);
      });
    });
    if (!hit) return false;
    hit.left--;
    const fault = hit.rule.fault;
    if (fault.kind === "reset") {
      ctx.req.socket.destroy();
      return true;
    }
    const json = { "content-type": "application/json; charset=utf-8", ...this.baseHeaders(fault.kind === "status" ? fault.status : 403) };
    if (fault.kind === "rate-limit") {
      const status = fault.status ?? 403;
      const body = {
        message: "API rate limit exceeded for user ID 1.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        status: String(status),
      };
      this.send(
        ctx,
        status,
        {
          ...json,
          "x-ratelimit-limit": String(RATE_LIMIT),
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + fault.resetInSeconds),
          "x-ratelimit-used": String(RATE_LIMIT),
          "x-ratelimit-resource": "core",
        },
        Buffer.from(JSON.stringify(body)),
      );
      return true;
    }
    const value =
      fault.body !== undefined
        ? fault.body
        : fault.status >= 500
          ? { message: "Server Error" }
          : { message: STATUS_CODES[fault.status] ?? "Error", documentation_url: DOCS, status: String(fault.status) };
    const body = typeof value === "string" ? Buffer.from(value) : value instanceof Uint8Array ? value : Buffer.from(JSON.stringify(value));
    this.send(ctx, fault.status, { ...json, ...(server === "api" ? this.rateHeaders(true) : {}), ...fault.headers }, body);
    return true;
  }

  /** GitHub's pagination: `per_page` (max 100) and `page`, with a `Link` header when there are several pages. */
  private paginate<T>(url: URL, items: T[]): { page: T[]; link: Record<string, string> } {
    const asInt = (name: string): number => Number.parseInt(url.searchParams.get(name) ?? "", 10);
    const requested = asInt("per_page");
    const perPage = Number.isFinite(requested) && requested > 0 ? Math.min(requested, MAX_PER_PAGE) : this.perPage;
    const page = Math.max(1, asInt("page") || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const at = (n: number): string => {
      const params = new URLSearchParams(url.search);
      params.set("page", String(n));
      return `<${this.apiUrl}${url.pathname}?${params.toString()}>`;
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`${at(page - 1)}; rel="prev"`);
    if (page < last) rels.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
    if (page > 1) rels.push(`${at(1)}; rel="first"`);
    return { page: items.slice((page - 1) * perPage, page * perPage), link: rels.length ? { link: rels.join(", ") } : {} };
  }

  private unauthorised(ctx: Ctx, message: "Bad credentials" | "Requires authentication"): undefined {
    this.reply(ctx, 401, { message, documentation_url: DOCS, status: "401" });
    return undefined;
  }

  /** Who the request speaks for; undefined once it has been answered with a 401. */
  private authenticate(ctx: Ctx): Caller | undefined {
    const header = ctx.req.headers.authorization;
    const token = header === undefined ? undefined : credential(header);
    if (token !== undefined && this.revokedTokens.has(token)) return this.unauthorised(ctx, "Bad credentials");
    const bot = this.options.token;
    // Neither people nor a bot token: anything goes, as before people existed.
    if (bot === undefined && this.people === undefined) return { kind: "open", authorization: header !== undefined };
    if (header === undefined) return bot === undefined ? { kind: "anonymous" } : this.unauthorised(ctx, "Requires authentication");
    if (token !== undefined && token === bot) return { kind: "bot" };
    const person = token === undefined ? undefined : this.people?.find((p) => p.tokens.includes(token));
    return person ? { kind: "person", person } : this.unauthorised(ctx, "Bad credentials");
  }

  /** `GET /user`: the person, or the bot for the bot token (any token when nothing is enforced). */
  private user(caller: Caller, ctx: Ctx): void {
    if (caller.kind === "person") return this.reply(ctx, 200, this.personJson(caller.person));
    if (caller.kind === "bot" || (caller.kind === "open" && caller.authorization)) return this.reply(ctx, 200, this.bot);
    this.unauthorised(ctx, "Requires authentication");
  }

  private routeApi(url: URL, ctx: Ctx): void {
    let parts: string[];
    try {
      parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return this.notFound(ctx);
    }
    // The browser download link sits on the web host, needs no token and redirects like the API does.
    if (parts[0] === "html") return this.browserDownload(parts.slice(1), ctx);
    const caller = this.authenticate(ctx);
    if (!caller) return;
    if (ctx.req.method !== "GET" && ctx.req.method !== "HEAD") return this.notFound(ctx);

    const [head, owner = "", name = ""] = parts;
    if (head === "user" && parts.length === 1) return this.user(caller, ctx);
    if (head === "orgs" && parts.length === 3 && name === "repos") return this.listRepos(caller, owner, url, ctx);
    if (head === "users" && parts.length === 3 && name === "repos") return this.listUserRepos(caller, owner, url, ctx);
    if (head === "user" && parts.length === 2 && owner === "repos") return this.listOwnRepos(caller, url, ctx);
    if (head === "installation" && parts.length === 2 && owner === "repositories") return this.listInstallationRepos(caller, url, ctx);
    // A renamed repository's API lives on at its id; the old name redirects there (any path below it too).
    const byId = head === "repositories" && parts.length >= 2 ? this.findRepoById(Number(owner)) : undefined;
    if (head !== "repos" && !byId) return this.notFound(ctx);
    if (head === "repos" && parts.length < 3) return this.notFound(ctx);
    const found = byId ?? this.findRepo(owner, name);
    const renamed = found ? undefined : this.findRenamed(owner, name);
    if (renamed && this.readable(caller, renamed.org, renamed.repo)) return this.moved(ctx, renamed.repo, parts.slice(3), url.search);
    // A repository the caller may not read does not exist, as far as they can tell.
    if (!found || !this.readable(caller, found.org, found.repo)) return this.notFound(ctx);
    const { org, repo } = found;
    if (byId) return this.routeRepository(caller, org, repo, parts.slice(2), url, ctx);
    this.routeRepository(caller, org, repo, parts.slice(3), url, ctx);
  }

  /** `/repos/{owner}/{repo}/...` (or `/repositories/{id}/...`) below the repository: `below` is what follows it. */
  private routeRepository(caller: Caller, org: OrgEntry, repo: EmulatedRepo, below: string[], url: URL, ctx: Ctx): void {
    const [section, ...rest] = below;

    if (section === undefined) {
      const full = this.fullRepoJson(org, repo, this.permissions(caller));
      return this.reply(ctx, 200, full, { "last-modified": new Date(full.pushed_at ?? EPOCH).toUTCString() });
    }
    if (section === "releases") {
      const releases = repo.releases ?? [];
      if (rest.length === 0) {
        const { page, link } = this.paginate(url, releases);
        return this.reply(
          ctx,
          200,
          page.map((r) => this.releaseJson(org, repo, r)),
          link,
        );
      }
      if (rest[0] === "assets" && rest.length === 2) return this.assetEndpoint(Number(rest[1]), org, repo, ctx);
      if (rest[0] === "tags" && rest.length === 2) {
        const release = releases.find((r) => !r.draft && r.tag === rest[1]);
        return release ? this.replyRelease(ctx, org, repo, release) : this.notFound(ctx);
      }
      if (rest.length === 1) {
        const release = releases.find((r) => String(this.id(r, "release")) === rest[0]);
        return release ? this.replyRelease(ctx, org, repo, release) : this.notFound(ctx);
      }
    }
    if (section === "tags" && rest.length === 0) {
      const { page, link } = this.paginate(url, repo.tags ?? []);
      return this.reply(
        ctx,
        200,
        page.map((t) => this.tagJson(org, repo, t)),
        link,
      );
    }
    if (section === "contents" && rest.length > 0) return this.contents(org, repo, rest.join("/"), url, ctx);
    if (section === "attestations" && rest.length === 1) return this.attestations(repo, rest[0] as string, url, ctx);
    return this.notFound(ctx);
  }

  /**
   * `GET /repos/{owner}/{repo}/attestations/{subject_digest}`: 404 when the store holds none for
   * the digest (the gh CLI reads 404 as "no attestations"), else `{attestations: [...]}` with
   * cursor pagination (`per_page`, `after`, `before`, Link rel="next"/"prev") and the optional
   * `predicate_type` filter, as GitHub documents it.
   */
  private attestations(repo: EmulatedRepo, subjectDigest: string, url: URL, ctx: Ctx): void {
    const digest = subjectDigest.toLowerCase();
    const held = repo.attestations?.[digest];
    if (held === undefined) return this.notFound(ctx);
    if (!Array.isArray(held)) return this.reply(ctx, held.status ?? 200, undefined, {}, Buffer.from(held.raw));
    const wanted = url.searchParams.get("predicate_type");
    const predicate = wanted === null ? undefined : (PREDICATE_ALIASES[wanted] ?? wanted);
    // Indexed by place in the store, which names the bundle's blob and is what a cursor points at.
    const matching = held.map((a, index) => ({ a, index })).filter(({ a }) => predicate === undefined || statementPredicateType(a.bundle) === predicate);
    if (matching.length === 0) return this.notFound(ctx);
    const requested = Number.parseInt(url.searchParams.get("per_page") ?? "", 10);
    const perPage = Number.isFinite(requested) && requested > 0 ? Math.min(requested, MAX_PER_PAGE) : 30;
    const after = url.searchParams.get("after");
    const before = url.searchParams.get("before");
    const afterIndex = after === null ? -1 : readCursor(after);
    const beforeIndex = before === null ? Infinity : readCursor(before);
    if (afterIndex === undefined || beforeIndex === undefined) return this.reply(ctx, 400, { message: "Invalid cursor", documentation_url: DOCS, status: "400" });
    const window = matching.filter(({ index }) => index > afterIndex && index < beforeIndex);
    const page = before !== null && after === null ? window.slice(-perPage) : window.slice(0, perPage);
    const first = page[0];
    const last = page[page.length - 1];
    const links: string[] = [];
    const linkTo = (set: "after" | "before", index: number, rel: string): void => {
      const params = new URLSearchParams(url.search);
      params.delete("after");
      params.delete("before");
      params.set(set, writeCursor(index));
      links.push(`<${this.apiUrl}${url.pathname}?${params.toString()}>; rel="${rel}"`);
    };
    if (last && matching.some(({ index }) => index > last.index)) linkTo("after", last.index, "next");
    if (first && matching.some(({ index }) => index < first.index)) linkTo("before", first.index, "prev");
    const repoId = this.id(repo, "repo");
    const inline = (repo.attestationBundles ?? this.options.attestationBundles ?? "url") === "inline";
    const items = page.map(({ a, index }) => {
      const repository_id = a.repositoryId ?? repoId;
      const initiator = a.initiator === undefined ? {} : { initiator: a.initiator };
      if (inline) return { bundle: a.bundle, repository_id, ...initiator };
      // As recorded since 2026-07-16: the bundle left out, a pre-signed blob URL in its place.
      return { repository_id, bundle_url: this.bundleUrl(`${repoId}/${digest}/${index}`), ...initiator, bundle: null };
    });
    this.reply(ctx, 200, { attestations: items }, links.length ? { link: links.join(", ") } : {});
  }

  /** A pre-signed blob URL, shaped like a shared access signature: read-only, one blob, `sig` checked by the blob host. */
  private bundleUrl(ref: string): string {
    return `${this.downloadUrl}/attestation-bundles/${ref}.json.sn?sp=r&sr=b&sig=${bundleSignature(ref)}`;
  }

  /** One release, as `GET .../releases/{id}` and `.../releases/tags/{tag}` answer: with its Last-Modified, as recorded. */
  private replyRelease(ctx: Ctx, org: OrgEntry, repo: EmulatedRepo, release: EmulatedRelease): void {
    const json = this.releaseJson(org, repo, release);
    this.reply(ctx, 200, json, { "last-modified": new Date(json.updated_at ?? json.created_at).toUTCString() });
  }

  /** 301 to the repository's id, with GitHub's JSON body (recorded in @octokit/fixtures, rename-repository). */
  private moved(ctx: Ctx, repo: EmulatedRepo, below: string[], search: string): void {
    const location = `${this.apiUrl}/repositories/${this.id(repo, "repo")}${below.map((p) => `/${enc(p)}`).join("")}${search}`;
    this.reply(ctx, 301, { message: "Moved Permanently", url: location, documentation_url: "https://docs.github.com/v3/#http-redirects" }, { location });
  }

  /** `GET /users/{user}/repos`: the account's public repositories, whoever asks. */
  private listUserRepos(caller: Caller, owner: string, url: URL, ctx: Ctx): void {
    const entry = this.orgs.get(owner.toLowerCase());
    if (!entry) return this.notFound(ctx);
    const repos = entry.repos.filter((r) => !r.private && (r.visibility ?? "public") === "public").map((r) => this.repoJson(entry, r, this.permissions(caller)));
    const { page, link } = this.paginate(url, repos);
    this.reply(ctx, 200, page, link);
  }

  /**
   * `GET /user/repos`: what a person is affiliated with. `affiliation=owner` is their own account's
   * repositories; the default (`owner,collaborator,organization_member`) adds every repository granted
   * to them, in any organisation. Public repositories they were not granted are not listed, as on
   * GitHub for an organisation they do not belong to. An app's token may not ask (403).
   */
  private listOwnRepos(caller: Caller, url: URL, ctx: Ctx): void {
    if (caller.kind === "bot") return this.reply(ctx, 403, { message: "Resource not accessible by integration", documentation_url: DOCS, status: "403" });
    if (caller.kind !== "person") return this.unauthorised(ctx, "Requires authentication");
    const person = caller.person;
    const affiliation = (url.searchParams.get("affiliation") ?? "owner,collaborator,organization_member").split(",");
    const repos: MinimalRepository[] = [];
    const grants = new Set(person.repositories.map((g) => g.toLowerCase()));
    for (const entry of this.orgs.values()) {
      const own = entry.type === "User" && entry.name.toLowerCase() === person.login.toLowerCase();
      for (const r of entry.repos) {
        const granted = grants.has(`${entry.name}/${r.name}`.toLowerCase());
        if ((own && affiliation.includes("owner")) || (granted && affiliation.some((a) => a !== "owner"))) repos.push(this.repoJson(entry, r, this.permissions(caller)));
      }
    }
    const { page, link } = this.paginate(url, repos);
    this.reply(ctx, 200, page, link);
  }

  /** `GET /installation/repositories`: an app installation's repositories (the bot's: all of them), with `total_count`. */
  private listInstallationRepos(caller: Caller, url: URL, ctx: Ctx): void {
    if (caller.kind !== "bot")
      return this.reply(ctx, 403, { message: "You must authenticate with an installation access token in order to list repositories for an installation.", documentation_url: DOCS, status: "403" });
    const repos: MinimalRepository[] = [];
    for (const entry of this.orgs.values()) for (const r of entry.repos) repos.push(this.repoJson(entry, r, this.permissions(caller)));
    const { page, link } = this.paginate(url, repos);
    this.reply(ctx, 200, { total_count: repos.length, repositories: page }, link);
  }

  private listRepos(caller: Caller, owner: string, url: URL, ctx: Ctx): void {
    const org = this.orgs.get(owner.toLowerCase());
    if (!org || org.type !== "Organization") return this.notFound(ctx);
    const permissions = this.permissions(caller);
    const all = org.repos.filter((r) => this.readable(caller, org, r)).map((r) => this.repoJson(org, r, permissions));
    const type = url.searchParams.get("type") ?? "all";
    // No forks here, so `forks` is empty and `sources` is everything; internal counts as private.
    const repos = type === "public" ? all.filter((r) => !r.private) : type === "private" ? all.filter((r) => r.private) : type === "forks" ? [] : all;
    const { page, link } = this.paginate(url, repos);
    this.reply(ctx, 200, page, link);
  }

  private signedLocation(id: number, name: string): string {
    const signature = sha("sha256", `signed:${id}/${name}`);
    return `${this.downloadUrl}/releases-assets/${id}/${enc(name)}?X-Amz-Signature=${signature}&X-Amz-Expires=300`;
  }

  private assetEndpoint(id: number, org: OrgEntry, repo: EmulatedRepo, ctx: Ctx): void {
    const home = Number.isInteger(id) ? this.findAsset(id) : undefined;
    if (!home || home.org !== org || home.repo !== repo) return this.notFound(ctx);
    if (!/application\/octet-stream/i.test(ctx.req.headers.accept ?? "")) {
      const asset = this.assetJson(org, repo, home.release, home.asset);
      return this.reply(ctx, 200, asset, { "last-modified": new Date(asset.updated_at).toUTCString() });
    }
    this.send(ctx, 302, { ...this.baseHeaders(302), ...this.rateHeaders(true), location: this.signedLocation(id, home.asset.name) });
  }

  private browserDownload(parts: string[], ctx: Ctx): void {
    const [owner = "", name = "", releases, download, tag, file] = parts;
    const found = parts.length === 6 && releases === "releases" && download === "download" ? this.findRepo(owner, name) : undefined;
    const release = found?.repo.releases?.find((r) => !r.draft && r.tag === tag);
    const asset = release?.assets.find((a) => a.name === file);
    if (!asset) return this.send(ctx, 404, { "content-type": "text/plain; charset=utf-8" }, Buffer.from("Not Found"));
    this.send(ctx, 302, { location: this.signedLocation(this.id(asset, "asset"), asset.name) });
  }

  /** Files at a tag, a tag's commit, or the default branch (which holds the newest tag's files). */
  private contents(org: OrgEntry, repo: EmulatedRepo, path: string, url: URL, ctx: Ctx): void {
    const branch = repo.defaultBranch ?? "main";
    const ref = url.searchParams.get("ref") || branch;
    const tags = repo.tags ?? [];
    const tag = ref === branch || ref === `refs/heads/${branch}` ? tags[0] : tags.find((t) => t.name === ref || `refs/tags/${t.name}` === ref || this.tagSha(org, repo, t) === ref);
    const text = tag?.files?.[path];
    if (text === undefined) return this.notFound(ctx);
    const data = Buffer.from(text);
    const blob = sha("sha1", Buffer.concat([Buffer.from(`blob ${data.length}\0`), data]));
    const lastModified = new Date(this.repoJson(org, repo, undefined).pushed_at ?? EPOCH).toUTCString();
    // As recorded from api.github.com (@octokit/fixtures, get-content): the media type asked for
    // with a charset (Octokit then hands the body over as a string), and the blob id as ETag.
    const raw = /application\/vnd\.github(?:\.v3)?\.raw/i.exec(ctx.req.headers.accept ?? "");
    if (raw) {
      const headers = { "content-type": `${raw[0].toLowerCase()}; charset=utf-8`, "x-github-media-type": "github.v3; param=raw", etag: `"${blob}"`, "last-modified": lastModified };
      return this.reply(ctx, 200, undefined, headers, data);
    }
    const full = `${org.name}/${repo.name}`;
    const self = `${this.apiUrl}/repos/${full}/contents/${encPath(path)}?ref=${enc(ref)}`;
    const git = `${this.apiUrl}/repos/${full}/git/blobs/${blob}`;
    const html = `${this.htmlBase}/${full}/blob/${enc(ref)}/${encPath(path)}`;
    const file: ContentFile = {
      name: path.split("/").pop() ?? path,
      path,
      sha: blob,
      size: data.length,
      url: self,
      html_url: html,
      git_url: git,
      download_url: `${this.htmlBase}/${full}/raw/${enc(ref)}/${encPath(path)}`,
      type: "file",
      content: wrapBase64(data.toString("base64")),
      encoding: "base64",
      _links: { self, git, html },
    };
    this.reply(ctx, 200, file, { "last-modified": lastModified });
  }

  // ---- download host ------------------------------------------------------------------------

  /** The attestation a bundle URL's `<repo id>/<digest>/<index>` names. */
  findAttestation(ref: string): EmulatedAttestation | undefined {
    const [repoId, digest = "", index] = ref.split("/");
    for (const org of this.orgs.values()) {
      for (const repo of org.repos) {
        if (String(this.id(repo, "repo")) !== repoId) continue;
        const held = repo.attestations?.[digest];
        return Array.isArray(held) ? held[Number(index)] : undefined;
      }
    }
    return undefined;
  }

  private bundleDownload(url: URL, ctx: Ctx): void {
    const { status, type, body } = bundleAnswer(this, url);
    this.send(ctx, status, { "content-type": type }, body);
  }

  private async routeDownload(url: URL, ctx: Ctx): Promise<void> {
    const text = (status: number, message: string, headers: Record<string, string> = {}) => this.send(ctx, status, { "content-type": "text/plain; charset=utf-8", ...headers }, Buffer.from(message));
    if (url.pathname.startsWith("/attestation-bundles/")) return this.bundleDownload(url, ctx);
    const m = /^\/releases-assets\/(\d+)\/([^/]+)$/.exec(url.pathname);
    let name: string | undefined;
    try {
      name = m?.[2] === undefined ? undefined : decodeURIComponent(m[2]);
    } catch {
      name = undefined;
    }
    const home = m ? this.findAsset(Number(m[1])) : undefined;
    // An asset still in state "open" is an unfinished upload: listed by the API, but no object to fetch.
    if (!home || home.asset.name !== name || home.asset.state === "open") return text(404, "Not Found");
    const { req, res, record } = ctx;
    if (req.method !== "GET" && req.method !== "HEAD") return text(405, "Method Not Allowed", { allow: "GET, HEAD" });

    const { data, meta } = this.load(home.asset);
    const rangeSupport = this.options.rangeSupport ?? true;
    const updated = home.asset.updatedAt ?? this.assetJson(home.org, home.repo, home.release, home.asset).updated_at;
    const headers: Record<string, string | number> = {
      "content-type": "application/octet-stream",
      etag: `"${meta.md5}"`,
      "last-modified": new Date(updated).toUTCString(),
      ...(rangeSupport ? { "accept-ranges": "bytes" } : {}),
    };
    const range = rangeSupport ? parseRange(req.headers.range, data.length) : ({ kind: "whole" } as const);
    if (range.kind === "unsatisfiable") return this.send(ctx, 416, { ...headers, "content-range": `bytes */${data.length}` });
    const [status, start, end] = range.kind === "partial" ? [206, range.start, range.end + 1] : [200, 0, data.length];
    if (range.kind === "partial") headers["content-range"] = `bytes ${start}-${end - 1}/${data.length}`;
    headers["content-length"] = end - start;
    record.status = status;
    res.writeHead(status, headers);
    if (req.method === "HEAD") return void res.end();
    // Chunked writes with back-pressure, so `bytes` reflects what went out before a client gave up.
    for (let at = start; at < end && !res.destroyed; at += CHUNK) {
      const chunk = data.subarray(at, Math.min(end, at + CHUNK));
      record.bytes += chunk.length;
      if (!res.write(chunk)) await drained(res);
    }
    res.end();
  }
}

/** The signature a bundle URL carries for one blob (`<repo id>/<digest>/<index>`). */
function bundleSignature(ref: string): string {
  return sha("sha256", `bundle:${ref}`);
}

/** `predicate_type` shorthands GitHub accepts. */
const PREDICATE_ALIASES: Record<string, string> = { provenance: "https://slsa.dev/provenance/v1" };

/** The predicateType of a bundle's DSSE statement, or undefined when the bundle holds no readable one. */
function statementPredicateType(bundle: unknown): string | undefined {
  const envelope = isRecord(bundle) ? bundle.dsseEnvelope : undefined;
  const payload = isRecord(envelope) ? envelope.payload : undefined;
  if (typeof payload !== "string") return undefined;
  try {
    const statement: unknown = JSON.parse(Buffer.from(payload, "base64").toString("utf8"));
    return isRecord(statement) && typeof statement.predicateType === "string" ? statement.predicateType : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Cursors are opaque to clients, as GitHub's are: the store index of the item they point at. */
function writeCursor(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString("base64url");
}

function readCursor(cursor: string): number | undefined {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return m ? Number(m[1]) : undefined;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Blob storage's answer to a `bundle_url`: the bundle, snappy block format, for a valid signature only. */
function bundleAnswer(emulator: { findAttestation(ref: string): EmulatedAttestation | undefined }, url: URL): { status: number; type: string; body: Uint8Array } {
  const m = /^\/attestation-bundles\/(\d+\/sha256:[0-9a-f]{64}\/\d+)\.json\.sn$/.exec(url.pathname);
  const ref = m?.[1];
  if (ref === undefined) return { status: 404, type: "application/xml", body: Buffer.from("<Error><Code>BlobNotFound</Code></Error>") };
  if (url.searchParams.get("sig") !== bundleSignature(ref)) {
    return { status: 403, type: "application/xml", body: Buffer.from("<Error><Code>AuthenticationFailed</Code></Error>") };
  }
  const held = emulator.findAttestation(ref);
  if (!held) return { status: 404, type: "application/xml", body: Buffer.from("<Error><Code>BlobNotFound</Code></Error>") };
  return { status: 200, type: "application/x-snappy", body: held.blob ?? snappy.compress(Buffer.from(JSON.stringify(held.bundle))) };
}

function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
