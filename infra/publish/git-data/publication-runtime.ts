/**
 * The dynamic provider that publishes a built site to a branch as ONE commit through GitHub's Git
 * Data API: changed files become tree entries (text inline, binaries as blobs), one tree, one
 * commit, one fast-forward ref update, retried from a fresh read when someone else won the race.
 *
 * Pulumi serialises this object with `serializeFunction` and a separate host process loads the
 * text with `require-from-string`, where no TypeScript loader and no ESM import exists. So this
 * module has no runtime imports: only globals (`fetch`, `Buffer`, `process`) and built-in modules
 * fetched with `process.getBuiltinModule` inside the functions. Constants and helpers at module
 * level are captured by value, which the serialiser supports.
 */
import type { dynamic } from "@pulumi/pulumi";

/** What the program hands the provider. The token is never an input: it comes from stack config (`configure`). */
export interface PublicationInputs {
  /** REST root, e.g. https://api.github.com (GitHub Enterprise Server: https://HOST/api/v3). */
  apiUrl: string;
  owner: string;
  repository: string;
  branch: string;
  /** Absolute path of the folder holding the built site; read only when files must be uploaded. */
  siteDir: string;
  /** Site-relative path -> git blob id (SHA-1 of `blob <size>\0<bytes>`), computed by the program. */
  files: Record<string, string>;
  /** Commit message. */
  message: string;
}

export interface PublishFigures {
  added: number;
  changed: number;
  deleted: number;
  /** Files sent as blobs (binary or large); the rest travelled inline in the tree request. */
  blobs: number;
  /** HTTP requests made, GETs included. */
  requests: number;
  /** Rounds needed: more than 1 means a lost race was retried. */
  attempts: number;
}

export interface PublicationOutputs extends PublicationInputs {
  /** The branch tip after publication. */
  commit: string;
  tree: string;
  lastPublish: PublishFigures;
}

const MODE = "100644";
/** Rounds before giving up when other writers keep moving the branch. */
const MAX_ATTEMPTS = 5;
/** Attempts per HTTP request for 5xx answers and network errors. */
const REQUEST_ATTEMPTS = 4;
const RETRY_BASE_MS = 500;
/** Longest wait for a rate-limit reset; beyond it the update fails with the reset time. */
const MAX_RATE_LIMIT_WAIT_MS = 15 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 120_000;
/** Text up to this size travels inline in the tree request (no blob request). */
const INLINE_LIMIT = 512 * 1024;
/** One create-tree request carries at most this many entries or bytes; larger sites chain requests through base_tree. */
const TREE_CHUNK_ENTRIES = 5000;
const TREE_CHUNK_BYTES = 8 * 1024 * 1024;
/** GitHub refuses blobs over 100 MiB. */
const MAX_BLOB_BYTES = 100 * 1024 * 1024;
const BLOB_CONCURRENCY = 4;
const SHA1 = /^[0-9a-f]{40}$/;
const API_VERSION = "2022-11-28";

/** Set by `configure` from stack config (`github:token`), else the GITHUB_TOKEN environment variable. */
const credentials: { token: string | undefined } = { token: undefined };

/** A GitHub error answer. A plain Error with fields, not a subclass: the serialiser captures functions, not class hierarchies. */
interface GitHubError extends Error {
  status: number;
  githubMessage: string;
}

function gitHubError(message: string, status: number, githubMessage: string): GitHubError {
  return Object.assign(new Error(message), { status, githubMessage });
}

function isGitHubError(e: unknown, status?: number): e is GitHubError {
  return e instanceof Error && typeof (e as Partial<GitHubError>).status === "number" && (status === undefined || (e as GitHubError).status === status);
}

interface Api {
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  readonly requests: { count: number };
}

interface TreeEntry {
  path: string;
  mode: string;
  type: string;
  sha?: string | null;
  content?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function hint(status: number, method: string): string {
  if (status === 401) return " (the token was rejected: set a valid one with `pulumi config set --secret github:token`, or GITHUB_TOKEN)";
  if (status === 403 || (status === 404 && method !== "GET")) return " (the token needs write access to the index repository's contents: fine-grained `Contents: write`, classic `repo` or `public_repo`)";
  if (status === 409) return " (the repository is empty: the Git Data API needs one commit first; the stack creates the index repository with autoInit)";
  return "";
}

/** A minimal REST client: JSON in and out, GitHub's headers, retries for 5xx and network errors, waits on rate limits. */
function gitHubApi(apiUrl: string, owner: string, repository: string): Api {
  const base = `${apiUrl.replace(/\/+$/, "")}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repository)}`;
  const requests = { count: 0 };
  const headers: Record<string, string> = {
    accept: "application/vnd.github+json",
    "x-github-api-version": API_VERSION,
    "user-agent": "github-pypi-publication",
    "content-type": "application/json",
  };
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const what = `${method} /repos/${owner}/${repository}${path}`;
    for (let attempt = 1; ; attempt++) {
      requests.count++;
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (e) {
        if (attempt < REQUEST_ATTEMPTS) {
          await sleep(RETRY_BASE_MS * 2 ** (attempt - 1));
          continue;
        }
        throw new Error(`GitHub: ${what} failed: ${(e as Error).message}`);
      }
      const text = await res.text();
      if (res.ok) return (text ? JSON.parse(text) : undefined) as T;
      let message = text.slice(0, 300);
      try {
        message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
      } catch {
        // not JSON: keep the start of the body
      }
      const remaining = res.headers.get("x-ratelimit-remaining");
      const retryAfter = res.headers.get("retry-after");
      const limited = res.status === 429 || (res.status === 403 && (remaining === "0" || retryAfter !== null || /rate limit/i.test(message)));
      if (limited) {
        const reset = Number(res.headers.get("x-ratelimit-reset"));
        const waitMs = retryAfter !== null ? Number(retryAfter) * 1000 : Number.isFinite(reset) && reset > 0 ? reset * 1000 - Date.now() + 1000 : 60_000;
        if (waitMs <= MAX_RATE_LIMIT_WAIT_MS && attempt < REQUEST_ATTEMPTS + 2) {
          console.error(`GitHub rate limit on ${what}: waiting ${Math.ceil(Math.max(waitMs, 0) / 1000)} s`);
          await sleep(Math.max(waitMs, 0));
          continue;
        }
      }
      if (res.status >= 500 && attempt < REQUEST_ATTEMPTS) {
        await sleep(RETRY_BASE_MS * 2 ** (attempt - 1));
        continue;
      }
      throw gitHubError(`GitHub: ${what} failed with HTTP ${res.status}: ${message}${hint(res.status, method)}`, res.status, message);
    }
  }
  return { call, requests };
}

// ---- reading the branch ----------------------------------------------------------------------

interface Tip {
  commit: string;
  tree: string;
}

async function readTip(api: Api, branch: string): Promise<Tip | undefined> {
  let ref: { object: { sha: string; type: string } };
  try {
    ref = await api.call("GET", `/git/ref/heads/${encodeBranch(branch)}`);
  } catch (e) {
    if (isGitHubError(e, 404)) return undefined;
    throw e;
  }
  const commit = await api.call<{ sha: string; tree: { sha: string } }>("GET", `/git/commits/${ref.object.sha}`);
  return { commit: commit.sha, tree: commit.tree.sha };
}

/** Every file on the branch: path -> blob id. Walks folder by folder if GitHub truncates the recursive listing. */
async function readFiles(api: Api, tree: string): Promise<Map<string, string>> {
  type Listing = { tree: { path: string; type: string; sha: string }[]; truncated: boolean };
  const files = new Map<string, string>();
  const full = await api.call<Listing>("GET", `/git/trees/${tree}?recursive=1`);
  if (!full.truncated) {
    for (const e of full.tree) if (e.type === "blob") files.set(e.path, e.sha);
    return files;
  }
  const pending: [string, string][] = [["", tree]];
  while (pending.length > 0) {
    const [prefix, sha] = pending.pop() as [string, string];
    const level = await api.call<Listing>("GET", `/git/trees/${sha}`);
    for (const e of level.tree) {
      const path = prefix ? `${prefix}/${e.path}` : e.path;
      if (e.type === "blob") files.set(path, e.sha);
      else if (e.type === "tree") pending.push([path, e.sha]);
    }
  }
  return files;
}

function encodeBranch(branch: string): string {
  return branch.split("/").map(encodeURIComponent).join("/");
}

// ---- preparing entries -----------------------------------------------------------------------

function gitBlobId(bytes: Uint8Array): string {
  const crypto = process.getBuiltinModule("node:crypto");
  return crypto.createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function readSiteFile(siteDir: string, path: string, expected: string): Buffer {
  const fs = process.getBuiltinModule("node:fs");
  const { join } = process.getBuiltinModule("node:path");
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(join(siteDir, ...path.split("/")));
  } catch (e) {
    throw new Error(`publication: cannot read ${path} from the built site ${siteDir}: ${(e as Error).message}; run \`pulumi up\` again to rebuild it`);
  }
  if (bytes.length > MAX_BLOB_BYTES) throw new Error(`publication: ${path} is ${bytes.length} bytes; GitHub refuses files over 100 MiB (use files: link for such distributions)`);
  const actual = gitBlobId(bytes);
  if (actual !== expected) throw new Error(`publication: ${path} in ${siteDir} changed after the program built the site (blob ${actual}, expected ${expected}); run \`pulumi up\` again`);
  return bytes;
}

/** UTF-8 text travels inline; anything else (wheels, sdists) needs a blob. */
function asInlineText(bytes: Buffer): string | undefined {
  if (bytes.length > INLINE_LIMIT) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

interface Plan {
  added: string[];
  changed: string[];
  deleted: string[];
}

function plan(desired: Record<string, string>, remote: Map<string, string>): Plan {
  const added: string[] = [];
  const changed: string[] = [];
  const deleted: string[] = [];
  for (const [path, sha] of Object.entries(desired)) {
    const have = remote.get(path);
    if (have === undefined) added.push(path);
    else if (have !== sha) changed.push(path);
  }
  for (const path of remote.keys()) if (!Object.hasOwn(desired, path)) deleted.push(path);
  return { added: added.sort(), changed: changed.sort(), deleted: deleted.sort() };
}

/** Tree entries for a plan; blobs already on GitHub (from an earlier round) are reused. */
async function entriesFor(api: Api, inputs: PublicationInputs, p: Plan, uploaded: Set<string>, figures: PublishFigures): Promise<TreeEntry[]> {
  const writes = [...p.added, ...p.changed];
  const entries = await mapLimit(writes, BLOB_CONCURRENCY, async (path): Promise<TreeEntry> => {
    const sha = inputs.files[path] as string;
    if (uploaded.has(sha)) return { path, mode: MODE, type: "blob", sha };
    const bytes = readSiteFile(inputs.siteDir, path, sha);
    const text = asInlineText(bytes);
    if (text !== undefined) return { path, mode: MODE, type: "blob", content: text };
    const blob = await api.call<{ sha: string }>("POST", "/git/blobs", { content: bytes.toString("base64"), encoding: "base64" });
    if (blob.sha !== sha) throw new Error(`publication: GitHub stored ${path} as blob ${blob.sha}, expected ${sha}`);
    uploaded.add(sha);
    figures.blobs++;
    return { path, mode: MODE, type: "blob", sha };
  });
  for (const path of p.deleted) entries.push({ path, mode: MODE, type: "blob", sha: null });
  return entries;
}

/** One tree from base + entries; very large change sets chain several requests through base_tree. */
async function writeTree(api: Api, base: string | undefined, entries: TreeEntry[]): Promise<string> {
  if (entries.length === 0) {
    const made = await api.call<{ sha: string }>("POST", "/git/trees", base ? { base_tree: base, tree: [] } : { tree: [] });
    return made.sha;
  }
  let tree = base;
  let i = 0;
  while (i < entries.length) {
    const chunk: TreeEntry[] = [];
    let bytes = 0;
    while (i < entries.length && chunk.length < TREE_CHUNK_ENTRIES) {
      const e = entries[i] as TreeEntry;
      const size = (e.content?.length ?? 0) + e.path.length + 64;
      if (chunk.length > 0 && bytes + size > TREE_CHUNK_BYTES) break;
      chunk.push(e);
      bytes += size;
      i++;
    }
    const made = await api.call<{ sha: string }>("POST", "/git/trees", tree ? { base_tree: tree, tree: chunk } : { tree: chunk });
    tree = made.sha;
  }
  return tree as string;
}

/** GitHub's answers when the ref moved under us (lost race) or appeared since we read it. */
function lostRace(e: unknown): boolean {
  return isGitHubError(e, 422) && /fast forward|already exists|does not exist/i.test(e.githubMessage);
}

function describeCommit(message: string, p: Plan): string {
  return `${message}\n\n${p.added.length} added, ${p.changed.length} changed, ${p.deleted.length} deleted.\n`;
}

async function publish(inputs: PublicationInputs): Promise<PublicationOutputs> {
  const api = gitHubApi(inputs.apiUrl, inputs.owner, inputs.repository);
  const uploaded = new Set<string>();
  const figures: PublishFigures = { added: 0, changed: 0, deleted: 0, blobs: 0, requests: 0, attempts: 0 };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    figures.attempts = attempt;
    const tip = await readTip(api, inputs.branch);
    const remote = tip ? await readFiles(api, tip.tree) : new Map<string, string>();
    const p = plan(inputs.files, remote);
    Object.assign(figures, { added: p.added.length, changed: p.changed.length, deleted: p.deleted.length });
    if (tip && p.added.length + p.changed.length + p.deleted.length === 0) {
      figures.requests = api.requests.count;
      return { ...inputs, commit: tip.commit, tree: tip.tree, lastPublish: figures };
    }
    const entries = await entriesFor(api, inputs, p, uploaded, figures);
    const tree = await writeTree(api, tip?.tree, entries);
    const commit = await api.call<{ sha: string }>("POST", "/git/commits", {
      message: describeCommit(inputs.message, p),
      tree,
      parents: tip ? [tip.commit] : [],
    });
    try {
      if (tip) await api.call("PATCH", `/git/refs/heads/${encodeBranch(inputs.branch)}`, { sha: commit.sha, force: false });
      else await api.call("POST", "/git/refs", { ref: `refs/heads/${inputs.branch}`, sha: commit.sha });
    } catch (e) {
      if (lostRace(e) && attempt < MAX_ATTEMPTS) {
        console.error(`publication: ${inputs.branch} moved while publishing; retrying on top of the new tip (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`);
        await sleep(RETRY_BASE_MS * attempt * Math.random());
        continue;
      }
      throw e;
    }
    figures.requests = api.requests.count;
    return { ...inputs, commit: commit.sha, tree, lastPublish: figures };
  }
  throw new Error(`publication: ${inputs.branch} kept moving; gave up after ${MAX_ATTEMPTS} attempts`);
}

/** Removes the publication: deletes the branch, or empties it when it is the default branch (GitHub refuses to delete that). */
async function unpublish(props: PublicationOutputs): Promise<void> {
  const api = gitHubApi(props.apiUrl, props.owner, props.repository);
  let repo: { default_branch: string };
  try {
    repo = await api.call("GET", "");
  } catch (e) {
    if (isGitHubError(e, 404)) return; // the repository is gone, and the branch with it
    throw e;
  }
  if (repo.default_branch === props.branch) {
    await publish({ ...props, files: {}, message: "Unpublish the package index" });
    return;
  }
  try {
    await api.call("DELETE", `/git/refs/heads/${encodeBranch(props.branch)}`);
  } catch (e) {
    if (!isGitHubError(e, 422)) throw e; // 422: already gone
  }
}

// ---- input checks and diff -------------------------------------------------------------------

/** Pulumi's placeholder for values not known during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const IDENTITY_KEYS = ["apiUrl", "owner", "repository", "branch"] as const;

function validPath(path: string): boolean {
  return path.length > 0 && path.split("/").every((part) => part !== "" && part !== "." && part !== ".." && part.toLowerCase() !== ".git" && !part.includes("\0"));
}

function checkInputs(news: Record<string, unknown>): dynamic.CheckFailure[] {
  const failures: dynamic.CheckFailure[] = [];
  for (const key of [...IDENTITY_KEYS, "siteDir", "message"]) {
    const v = news[key];
    if (v !== UNKNOWN && (typeof v !== "string" || v === "")) failures.push({ property: key, reason: `${key} must be a non-empty string` });
  }
  const files = news.files;
  if (files === UNKNOWN) return failures;
  if (typeof files !== "object" || files === null || Array.isArray(files)) {
    failures.push({ property: "files", reason: "files must be an object of path -> git blob id" });
    return failures;
  }
  for (const [path, sha] of Object.entries(files)) {
    if (!validPath(path)) failures.push({ property: "files", reason: `${JSON.stringify(path)} is not a valid path in a git tree` });
    else if (typeof sha !== "string" || !SHA1.test(sha)) failures.push({ property: "files", reason: `${path}: ${JSON.stringify(sha)} is not a git blob id` });
  }
  return failures;
}

export interface PathChange {
  path: string;
  kind: "add" | "update" | "delete";
}

/** The engine shows `files` key by key in `pulumi preview --diff`; `changedPaths` says the same for callers and tests. */
export interface PublicationDiff extends dynamic.DiffResult {
  changedPaths: PathChange[];
}

function diffFiles(olds: Record<string, string>, news: Record<string, string>): PathChange[] {
  const out: PathChange[] = [];
  for (const [path, sha] of Object.entries(news)) {
    if (!Object.hasOwn(olds, path)) out.push({ path, kind: "add" });
    else if (olds[path] !== sha) out.push({ path, kind: "update" });
  }
  for (const path of Object.keys(olds)) if (!Object.hasOwn(news, path)) out.push({ path, kind: "delete" });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function sameIdentity(key: (typeof IDENTITY_KEYS)[number], a: unknown, b: unknown): boolean {
  // GitHub names are case-insensitive; a branch name is not.
  if (key === "owner" || key === "repository") return String(a).toLowerCase() === String(b).toLowerCase();
  if (key === "apiUrl") return String(a).replace(/\/+$/, "") === String(b).replace(/\/+$/, "");
  return a === b;
}

function publicationId(p: PublicationInputs): string {
  return `${p.owner}/${p.repository}@${p.branch}`;
}

export interface PublicationProvider extends dynamic.ResourceProvider<PublicationInputs, PublicationOutputs> {
  diff(id: string, olds: PublicationOutputs, news: PublicationInputs): Promise<PublicationDiff>;
}

export const publicationRuntime: PublicationProvider = {
  async configure(req) {
    credentials.token = req.config.get("github:token") || process.env.GITHUB_TOKEN || undefined;
  },

  async check(_olds, news) {
    return { inputs: news, failures: checkInputs(news as unknown as Record<string, unknown>) };
  },

  async diff(_id, olds, news) {
    const replaces = IDENTITY_KEYS.filter((k) => news[k] !== UNKNOWN && !sameIdentity(k, olds[k], news[k]));
    if ((news.files as unknown) === UNKNOWN) return { changes: true, replaces, changedPaths: [] };
    const changedPaths = diffFiles(olds.files ?? {}, news.files);
    return { changes: replaces.length > 0 || changedPaths.length > 0, replaces, changedPaths, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const outs = await publish(inputs);
    return { id: publicationId(inputs), outs };
  },

  async update(_id, _olds, news) {
    return { outs: await publish(news) };
  },

  /** Refresh: what the branch really holds, so drift (someone pushing to it) shows in the next diff and gets corrected. */
  async read(id, props) {
    if (!props) throw new Error("publication: nothing recorded to refresh from");
    const api = gitHubApi(props.apiUrl, props.owner, props.repository);
    const tip = await readTip(api, props.branch);
    if (!tip) return { id: "" }; // the branch is gone: so is the publication
    const files = Object.fromEntries(await readFiles(api, tip.tree));
    const state = { ...props, files, commit: tip.commit, tree: tip.tree };
    return { id, props: state, inputs: state };
  },

  async delete(_id, props) {
    await unpublish(props);
  },
};
