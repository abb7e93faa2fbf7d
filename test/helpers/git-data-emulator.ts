/**
 * A local stand-in for GitHub's Git Data API (blobs, trees, commits, refs), backed by a real bare
 * repository driven through the git CLI, so object ids are the ones GitHub would compute and the
 * result can be cloned and compared byte for byte. Payloads follow the published OpenAPI schemas;
 * error answers copy GitHub's (404 for unknown objects, 422 for bad input and lost races).
 *
 * Every handler runs synchronously once its body is read, so requests never interleave: a ref
 * update is an atomic compare-and-swap just as it is on GitHub.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import http, { STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { components } from "@octokit/openapi-types";
import { tempDir } from "./paths.js";

type Schemas = components["schemas"];
type GitRef = Schemas["git-ref"];
type GitTree = Schemas["git-tree"];
type GitCommit = Schemas["git-commit"];
type ShortBlob = Schemas["short-blob"];
type Blob = Schemas["blob"];

export interface GitDataEmulatorOptions {
  /** default "acme" */
  owner?: string;
  /** default "pypi" */
  repo?: string;
  /** if set, every request needs `authorization: token <t>` (or `Bearer <t>`), else 401 */
  token?: string;
}

export interface GitDataRequest {
  method: string;
  url: string;
  status: number;
  /** When the request arrived (ms since the epoch). */
  at: number;
}

const DOCS = "https://docs.github.com/rest/git";
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const SHA = /^[0-9a-f]{40}$/;
/** Fixed identity and clock for commits that name none: deterministic ids, one second apart. */
const DEFAULT_IDENT = { name: "Emulated Bot", email: "bot@users.noreply.example.com" };
const EPOCH = Date.UTC(2024, 0, 1) / 1000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly documentationUrl: string,
  ) {
    super(message);
  }
}

const notFound = (doc: string) => new HttpError(404, "Not Found", doc);
const invalid = (message: string, doc: string) => new HttpError(422, message, doc);

// ---- git plumbing ----------------------------------------------------------------------------

let gitHome: string | undefined;

/** The caller's environment without GIT_* variables (a hook's GIT_DIR would redirect us), and a private HOME so no user config applies. */
function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  gitHome ??= tempDir("git-home");
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_")) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: "1", HOME: gitHome, XDG_CONFIG_HOME: gitHome, GIT_TERMINAL_PROMPT: "0", ...extra };
}

interface GitResult {
  status: number;
  stdout: Buffer;
  stderr: string;
}

function runGit(args: string[], input?: Buffer | string, env?: Record<string, string>): GitResult {
  const r = spawnSync("git", args, { input, env: gitEnv(env), maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}

function git(args: string[], input?: Buffer | string, env?: Record<string, string>): string {
  const r = runGit(args, input, env);
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r.stdout.toString();
}

/** Records a git identity line ("Name <email> 1700000000 +0100") as the API shows it (UTC, no millis). */
function parseIdent(line: string): { name: string; email: string; date: string } {
  const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: "", date: new Date(0).toISOString().replace(".000Z", "Z") };
  return { name: m[1] ?? "", email: m[2] ?? "", date: new Date(Number(m[3]) * 1000).toISOString().replace(".000Z", "Z") };
}

// ---- tree editing ----------------------------------------------------------------------------

interface Leaf {
  kind: "leaf";
  mode: string;
  type: "blob" | "commit";
  sha: string;
}
/** A folder: `sha` while untouched (read lazily), `children` once expanded for editing. */
interface Dir {
  kind: "dir";
  sha?: string;
  children?: Map<string, Node>;
}
type Node = Leaf | Dir;

export interface TreeChange {
  path: string;
  /** null deletes the path (a file, or a folder with everything under it) */
  node: Node | null;
}

// ---- the emulator ----------------------------------------------------------------------------

export class GitDataEmulator {
  readonly apiUrl: string;
  readonly bareRepo: string;
  readonly requests: GitDataRequest[] = [];
  /**
   * Answers to give instead of the real one, first match first, each `times` times: a flaky or
   * rate-limited GitHub. `headers` as a function is evaluated when the fault is answered (a
   * rate-limit reset relative to then).
   */
  readonly faults: { method: string; path: RegExp; status: number; headers?: Record<string, string> | (() => Record<string, string>); times: number }[] = [];
  /**
   * Answer recursive tree listings as GitHub does past its limit (100,000 entries or 7 MB): the
   * first `truncateRecursiveAfter` entries with `truncated: true`. Undefined: never truncate.
   */
  truncateRecursiveAfter: number | undefined;
  readonly owner: string;
  readonly repo: string;
  private readonly token: string | undefined;
  private refFailures = 0;
  private used = 0;
  private readonly rateReset = Math.floor(Date.now() / 1000) + 3600;
  private clock = 0;

  private constructor(
    options: GitDataEmulatorOptions,
    private readonly server: http.Server,
  ) {
    const { port } = server.address() as AddressInfo;
    this.apiUrl = `http://127.0.0.1:${port}`;
    this.owner = options.owner ?? "acme";
    this.repo = options.repo ?? "pypi";
    this.token = options.token;
    this.bareRepo = join(tempDir("git-data"), `${this.repo}.git`);
    git(["init", "--bare", "-q", "--initial-branch=main", this.bareRepo]);
  }

  static async start(options: GitDataEmulatorOptions = {}): Promise<GitDataEmulator> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const emu = new GitDataEmulator(options, server);
    server.on("request", (req, res) => emu.serve(req, res));
    return emu;
  }

  /** Checks out `branch` (default "gh-pages") into a fresh temp folder (no .git inside) and returns its path, or undefined if the branch does not exist. */
  checkout(branch = "gh-pages"): string | undefined {
    const tip = this.resolveRef(`refs/heads/${branch}`);
    if (!tip) return undefined;
    const dir = tempDir("git-checkout");
    // A throwaway index outside both folders: the bare repository stays untouched.
    const env = { GIT_INDEX_FILE: join(tempDir("git-index"), "index") };
    git(["--git-dir", this.bareRepo, "--work-tree", dir, "read-tree", tip], undefined, env);
    git(["--git-dir", this.bareRepo, "--work-tree", dir, "checkout-index", "-a", "-f"], undefined, env);
    return dir;
  }

  /** Moves a branch to a new commit made outside the API (simulates someone else pushing: lost race). Returns the new sha. */
  pushOutside(branch: string, files: Record<string, string>): string {
    const ref = `refs/heads/${branch}`;
    const tip = this.resolveRef(ref);
    const base = tip ? this.git(["rev-parse", `${tip}^{tree}`]).trim() : undefined;
    const changes = Object.entries(files).map(([path, text]): TreeChange => ({
      path,
      node: { kind: "leaf", mode: "100644", type: "blob", sha: this.writeBlob(Buffer.from(text, "utf8")) },
    }));
    const tree = this.buildTree(base, changes);
    const sha = this.commitTree(tree, tip ? [tip] : [], "Pushed from elsewhere\n");
    this.git(["update-ref", ref, sha, tip ?? "0".repeat(40)]);
    return sha;
  }

  /** The next N `PATCH .../git/refs/heads/...` get 422 "Update is not a fast forward" (to test retries on a lost race). */
  failNextRefUpdates(n: number): void {
    this.refFailures = n;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- repository access -------------------------------------------------------------------

  private git(args: string[], input?: Buffer | string, env?: Record<string, string>): string {
    return git(["--git-dir", this.bareRepo, ...args], input, env);
  }

  private objectType(sha: string): string | undefined {
    if (!SHA.test(sha)) return undefined;
    const r = runGit(["--git-dir", this.bareRepo, "cat-file", "-t", sha]);
    return r.status === 0 ? r.stdout.toString().trim() : undefined;
  }

  private resolveRef(ref: string): string | undefined {
    const r = runGit(["--git-dir", this.bareRepo, "rev-parse", "--verify", "--quiet", ref]);
    return r.status === 0 ? r.stdout.toString().trim() : undefined;
  }

  private writeBlob(bytes: Buffer): string {
    return this.git(["hash-object", "-w", "--no-filters", "--stdin"], bytes).trim();
  }

  private commitTree(tree: string, parents: string[], message: string, author = this.nextIdent(), committer = author): string {
    const env = {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: author.date,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: committer.date,
    };
    return this.git(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])], Buffer.from(message, "utf8"), env).trim();
  }

  private nextIdent(): { name: string; email: string; date: string } {
    return { ...DEFAULT_IDENT, date: `@${EPOCH + this.clock++} +0000` };
  }

  private expand(dir: Dir): Map<string, Node> {
    if (dir.children) return dir.children;
    const children = new Map<string, Node>();
    if (dir.sha) {
      for (const rec of this.git(["ls-tree", "-z", dir.sha]).split("\0")) {
        const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(rec);
        if (!m) continue;
        const [, mode = "", type, sha = "", name = ""] = m;
        children.set(name, type === "tree" ? { kind: "dir", sha } : { kind: "leaf", mode, type: type === "commit" ? "commit" : "blob", sha });
      }
    }
    delete dir.sha;
    dir.children = children;
    return children;
  }

  /** Applies changes in order to `base` (or to nothing) and writes the folders bottom-up; folders left empty vanish. */
  private buildTree(base: string | undefined, changes: TreeChange[]): string {
    const root: Dir = base ? { kind: "dir", sha: base } : { kind: "dir", children: new Map() };
    for (const { path, node } of changes) {
      const parts = path.split("/");
      const last = parts.pop() ?? "";
      let dir: Dir | undefined = root;
      for (const part of parts) {
        const children: Map<string, Node> = this.expand(dir);
        const child = children.get(part);
        if (child?.kind === "dir") dir = child;
        else if (node === null) {
          dir = undefined; // nothing there to delete
          break;
        } else {
          // A missing folder is created; a file standing where a folder must go is replaced.
          const made: Dir = { kind: "dir", children: new Map() };
          children.set(part, made);
          dir = made;
        }
      }
      if (!dir) continue;
      if (node === null) this.expand(dir).delete(last);
      else this.expand(dir).set(last, node);
    }
    // An empty root is still written: git knows the empty tree's id but a clone needs the object.
    return this.writeDir(root) ?? this.git(["mktree", "-z"], "").trim();
  }

  private writeDir(dir: Dir): string | undefined {
    if (!dir.children) return dir.sha === EMPTY_TREE ? undefined : dir.sha;
    let listing = "";
    for (const [name, node] of dir.children) {
      if (node.kind === "leaf") listing += `${node.mode} ${node.type} ${node.sha}\t${name}\0`;
      else {
        const sha = this.writeDir(node);
        if (sha) listing += `040000 tree ${sha}\t${name}\0`;
      }
    }
    if (!listing) return undefined;
    return this.git(["mktree", "-z"], listing).trim();
  }

  // ---- payloads ----------------------------------------------------------------------------

  private get base(): string {
    return `${this.apiUrl}/repos/${this.owner}/${this.repo}`;
  }

  private nodeId(kind: string, id: string): string {
    return Buffer.from(`${kind}:${this.owner}/${this.repo}:${id}`).toString("base64");
  }

  private refJson(ref: string, sha: string): GitRef {
    const type = this.objectType(sha) ?? "commit";
    return {
      ref,
      node_id: this.nodeId("Ref", ref),
      url: `${this.base}/git/${ref}`,
      object: { sha, type, url: `${this.base}/git/${type}s/${sha}` },
    };
  }

  private treeJson(sha: string, recursive: boolean): GitTree {
    const args = ["ls-tree", "-l", "-z", ...(recursive ? ["-r", "-t"] : []), sha];
    const tree: GitTree["tree"] = [];
    for (const rec of this.git(args).split("\0")) {
      const m = /^(\d+) (\w+) ([0-9a-f]+) +(\S+)\t(.*)$/s.exec(rec);
      if (!m) continue;
      const [, mode = "", type = "", objSha = "", size = "", path = ""] = m;
      const entry: GitTree["tree"][number] = { path, mode, type, sha: objSha };
      if (type === "blob") entry.size = Number(size);
      if (type !== "commit") entry.url = `${this.base}/git/${type}s/${objSha}`;
      tree.push(entry);
    }
    return { sha, url: `${this.base}/git/trees/${sha}`, tree, truncated: false };
  }

  private commitJson(sha: string): GitCommit {
    const raw = this.git(["cat-file", "commit", sha]);
    const split = raw.indexOf("\n\n");
    const headers = (split < 0 ? raw : raw.slice(0, split)).split("\n").filter((l) => !l.startsWith(" "));
    const message = split < 0 ? "" : raw.slice(split + 2);
    const field = (name: string) => headers.filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1));
    const tree = field("tree")[0] ?? EMPTY_TREE;
    return {
      sha,
      node_id: this.nodeId("Commit", sha),
      url: `${this.base}/git/commits/${sha}`,
      html_url: `${this.apiUrl}/${this.owner}/${this.repo}/commit/${sha}`,
      author: parseIdent(field("author")[0] ?? ""),
      committer: parseIdent(field("committer")[0] ?? ""),
      message,
      tree: { sha: tree, url: `${this.base}/git/trees/${tree}` },
      parents: field("parent").map((p) => ({
        sha: p,
        url: `${this.base}/git/commits/${p}`,
        html_url: `${this.apiUrl}/${this.owner}/${this.repo}/commit/${p}`,
      })),
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    };
  }

  private blobJson(sha: string): Blob {
    const bytes = runGit(["--git-dir", this.bareRepo, "cat-file", "blob", sha]).stdout;
    const content = (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n");
    return { content: content && `${content}\n`, encoding: "base64", url: `${this.base}/git/blobs/${sha}`, sha, size: bytes.length, node_id: this.nodeId("Blob", sha) };
  }

  private repoJson(): Record<string, unknown> {
    const head = this.git(["symbolic-ref", "HEAD"])
      .trim()
      .replace(/^refs\/heads\//, "");
    const html = `${this.apiUrl}/${this.owner}/${this.repo}`;
    return {
      id: 1,
      node_id: this.nodeId("Repository", "1"),
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      private: false,
      owner: { login: this.owner, id: 1, type: "Organization", url: `${this.apiUrl}/users/${this.owner}` },
      html_url: html,
      url: this.base,
      git_url: `${html}.git`,
      default_branch: head,
      permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    };
  }

  // ---- HTTP --------------------------------------------------------------------------------

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    const arrived = Date.now();
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const method = req.method ?? "GET";
      const url = req.url ?? "/";
      let status: number;
      let body: unknown;
      const fault = this.faults.find((f) => f.times > 0 && f.method === method && f.path.test(url.replace(/^\/repos\/[^/]+\/[^/]+/, "")));
      if (fault) {
        fault.times--;
        this.requests.push({ method, url, status: fault.status, at: arrived });
        const text = JSON.stringify({ message: fault.status === 429 ? "API rate limit exceeded" : "Server Error", status: String(fault.status) });
        const headers = typeof fault.headers === "function" ? fault.headers() : fault.headers;
        res.writeHead(fault.status, { "content-type": "application/json; charset=utf-8", ...headers }).end(text);
        return;
      }
      try {
        [status, body] = this.handle(method, url, req.headers.authorization, Buffer.concat(chunks));
      } catch (err) {
        // A git failure is the emulator's bug: answer 500 with the reason rather than crash the test process.
        const e = err instanceof HttpError ? err : new HttpError(500, String(err), "https://docs.github.com/rest");
        status = e.status;
        body = { message: e.message, documentation_url: e.documentationUrl, status: String(e.status) };
      }
      this.requests.push({ method, url, status, at: arrived });
      if (body === undefined) {
        res.writeHead(status, STATUS_CODES[status], this.githubHeaders(status)).end();
        return;
      }
      const text = JSON.stringify(body);
      // A created object's address, as GitHub answers a 201.
      const location = status === 201 && body !== null && typeof body === "object" && "url" in body && typeof body.url === "string" ? { location: body.url } : {};
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...this.githubHeaders(status, text), ...location }).end(text);
    });
  }

  /**
   * The headers every answer carries, as recorded from api.github.com (@octokit/fixtures, git-refs
   * and errors): a success is private to the caller, varies by who asks (two Vary lines) and has
   * a strong ETag; an error or an empty answer carries no caching headers; all count against the
   * rate limit.
   */
  private githubHeaders(status: number, text?: string): Record<string, string | string[]> {
    this.used++;
    const rate = {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": String(Math.max(0, 5000 - this.used)),
      "x-ratelimit-reset": String(this.rateReset),
      "x-ratelimit-used": String(this.used),
      "x-ratelimit-resource": "core",
    };
    const cached = status >= 200 && status < 300 && text !== undefined;
    return {
      "x-github-media-type": "github.v3; format=json",
      ...rate,
      ...(cached
        ? {
            "cache-control": "private, max-age=60, s-maxage=60",
            etag: `"${createHash("sha256").update(text).digest("hex")}"`,
            vary: ["Accept, Authorization, Cookie, X-GitHub-OTP", "Accept-Encoding, Accept, X-Requested-With"],
          }
        : { vary: "Accept-Encoding, Accept, X-Requested-With" }),
    };
  }

  private handle(method: string, rawUrl: string, auth: string | undefined, rawBody: Buffer): [number, unknown] {
    if (this.token !== undefined) {
      const m = /^(?:token|bearer)\s+(\S+)$/i.exec(auth ?? "");
      if (m?.[1] !== this.token) throw new HttpError(401, "Bad credentials", "https://docs.github.com/rest");
    }
    const url = new URL(rawUrl, this.apiUrl);
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m || m[1]?.toLowerCase() !== this.owner.toLowerCase() || m[2]?.toLowerCase() !== this.repo.toLowerCase()) {
      throw notFound("https://docs.github.com/rest");
    }
    const rest = m[3] ?? "";
    const body = (): Record<string, unknown> => {
      try {
        const parsed: unknown = JSON.parse(rawBody.toString("utf8") || "{}");
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // answered below like GitHub does
      }
      throw new HttpError(400, "Problems parsing JSON", "https://docs.github.com/rest");
    };
    const route = (re: RegExp): string | undefined => {
      const r = re.exec(rest);
      return r ? decodeURIComponent(r[1] ?? "") : undefined;
    };
    let arg: string | undefined;

    if (rest === "" && method === "GET") return [200, this.repoJson()];
    if (method === "GET" && (arg = route(/^\/git\/refs?\/(.+)$/)) !== undefined) return this.getRef(arg);
    if (method === "GET" && (arg = route(/^\/git\/commits\/([^/]+)$/)) !== undefined) return [200, this.getCommit(arg)];
    if (method === "GET" && (arg = route(/^\/git\/trees\/([^/]+)$/)) !== undefined) return [200, this.getTree(arg, url.searchParams.has("recursive"))];
    if (method === "GET" && (arg = route(/^\/git\/blobs\/([^/]+)$/)) !== undefined) return [200, this.getBlob(arg)];
    if (method === "POST" && rest === "/git/blobs") return [201, this.createBlob(body())];
    if (method === "POST" && rest === "/git/trees") return [201, this.createTree(body())];
    if (method === "POST" && rest === "/git/commits") return [201, this.createCommit(body())];
    if (method === "POST" && rest === "/git/refs") return [201, this.createRef(body())];
    if (method === "PATCH" && (arg = route(/^\/git\/refs\/(.+)$/)) !== undefined) return [200, this.updateRef(arg, body())];
    if (method === "DELETE" && (arg = route(/^\/git\/refs\/(.+)$/)) !== undefined) return this.deleteRef(arg);
    throw notFound("https://docs.github.com/rest");
  }

  // ---- endpoints ---------------------------------------------------------------------------

  private getRef(name: string): [number, GitRef] {
    const ref = `refs/${name}`;
    const sha = this.validRefName(ref) ? this.resolveRef(ref) : undefined;
    if (!sha) throw notFound(`${DOCS}/refs#get-a-reference`);
    return [200, this.refJson(ref, sha)];
  }

  private getCommit(sha: string): GitCommit {
    if (this.objectType(sha) !== "commit") throw notFound(`${DOCS}/commits#get-a-commit-object`);
    return this.commitJson(sha);
  }

  private getTree(treeish: string, recursive: boolean): GitTree {
    const doc = `${DOCS}/trees#get-a-tree`;
    // Like GitHub, a commit sha or a branch name stands for its tree.
    const sha = /^[\w./-]+$/.test(treeish) && !treeish.startsWith("-") ? this.resolveRef(`${treeish}^{tree}`) : undefined;
    if (!sha) throw notFound(doc);
    const tree = this.treeJson(sha, recursive);
    if (recursive && this.truncateRecursiveAfter !== undefined && tree.tree.length > this.truncateRecursiveAfter) {
      return { ...tree, tree: tree.tree.slice(0, this.truncateRecursiveAfter), truncated: true };
    }
    return tree;
  }

  private getBlob(sha: string): Blob {
    if (this.objectType(sha) !== "blob") throw notFound(`${DOCS}/blobs#get-a-blob`);
    return this.blobJson(sha);
  }

  private createBlob(body: Record<string, unknown>): ShortBlob {
    const doc = `${DOCS}/blobs#create-a-blob`;
    const { content, encoding = "utf-8" } = body;
    if (typeof content !== "string") throw invalid(`Invalid request.\n\n"content" wasn't supplied.`, doc);
    let bytes: Buffer;
    if (encoding === "utf-8" || encoding === "utf8") bytes = Buffer.from(content, "utf8");
    else if (encoding === "base64") {
      if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(content)) throw invalid("Invalid Base64 content", doc);
      bytes = Buffer.from(content, "base64");
    } else throw invalid(`encoding must be one of "utf-8" or "base64"`, doc);
    const sha = this.writeBlob(bytes);
    return { sha, url: `${this.base}/git/blobs/${sha}` };
  }

  private createTree(body: Record<string, unknown>): GitTree {
    const doc = `${DOCS}/trees#create-a-tree`;
    const { base_tree: baseTree, tree } = body;
    let base: string | undefined;
    if (baseTree !== undefined && baseTree !== null) {
      if (typeof baseTree !== "string" || this.objectType(baseTree) !== "tree") throw invalid("base_tree is not a valid tree oid", doc);
      base = baseTree;
    }
    if (!Array.isArray(tree)) throw invalid(`Invalid request.\n\n"tree" wasn't supplied.`, doc);
    const changes: TreeChange[] = tree.map((raw: unknown): TreeChange => {
      const e = (raw ?? {}) as Record<string, unknown>;
      const { path, mode, type, sha, content } = e;
      if (typeof path !== "string" || !validPath(path)) throw invalid(`tree.path contains a malformed path component`, doc);
      const expected = { "100644": "blob", "100755": "blob", "120000": "blob", "040000": "tree", "160000": "commit" }[String(mode)];
      if (!expected) throw invalid(`tree.mode must be one of 100644, 100755, 040000, 160000, 120000`, doc);
      if (type !== undefined && type !== expected) throw invalid(`tree.type ${String(type)} does not match mode ${String(mode)}`, doc);
      if (content !== undefined && sha !== undefined) throw invalid(`Must supply either tree.sha or tree.content, not both`, doc);
      if (sha === null) return { path, node: null };
      if (typeof content === "string") {
        if (expected !== "blob") throw invalid(`tree.content is only valid for blobs`, doc);
        return { path, node: { kind: "leaf", mode: String(mode), type: "blob", sha: this.writeBlob(Buffer.from(content, "utf8")) } };
      }
      if (typeof sha !== "string") throw invalid(`Must supply a valid tree.sha or tree.content`, doc);
      // Submodule commits need not exist here; everything else must.
      if (expected !== "commit" && this.objectType(sha) !== expected) throw invalid(`tree.sha ${sha} is not a valid ${expected}`, doc);
      if (expected === "commit" && !SHA.test(sha)) throw invalid(`tree.sha ${sha} is not a valid commit`, doc);
      if (expected === "tree") return { path, node: { kind: "dir", sha } };
      return { path, node: { kind: "leaf", mode: String(mode), type: expected === "commit" ? "commit" : "blob", sha } };
    });
    return this.treeJson(this.buildTree(base, changes), false);
  }

  private createCommit(body: Record<string, unknown>): GitCommit {
    const doc = `${DOCS}/commits#create-a-commit`;
    const { message, tree, parents = [], author, committer } = body;
    if (typeof message !== "string") throw invalid(`Invalid request.\n\n"message" wasn't supplied.`, doc);
    if (typeof tree !== "string" || this.objectType(tree) !== "tree") throw invalid("Tree SHA does not exist", doc);
    if (!Array.isArray(parents)) throw invalid(`Invalid request.\n\n"parents" must be an array.`, doc);
    for (const p of parents) if (typeof p !== "string" || this.objectType(p) !== "commit") throw invalid("Parent SHA does not exist or is not a commit object", doc);
    const fallback = this.nextIdent();
    const ident = (value: unknown, dflt: typeof fallback): typeof fallback => {
      if (value === undefined || value === null) return dflt;
      const v = value as Record<string, unknown>;
      if (typeof v.name !== "string" || !v.name || typeof v.email !== "string") throw invalid("Invalid request.\n\nauthor/committer needs name and email", doc);
      let date = dflt.date;
      if (v.date !== undefined) {
        const ms = typeof v.date === "string" ? Date.parse(v.date) : NaN;
        if (Number.isNaN(ms)) throw invalid(`Invalid request.\n\n${String(v.date)} is not a valid date-time`, doc);
        date = `@${Math.floor(ms / 1000)} +0000`;
      }
      return { name: v.name, email: v.email, date };
    };
    // GitHub: the author defaults to the authenticated user, and the committer to the author.
    const by = ident(author, fallback);
    return this.commitJson(this.commitTree(tree, parents as string[], message, by, ident(committer, by)));
  }

  private createRef(body: Record<string, unknown>): GitRef {
    const doc = `${DOCS}/refs#create-a-reference`;
    const { ref, sha } = body;
    if (typeof ref !== "string" || !ref.startsWith("refs/") || ref.split("/").length < 3 || !this.validRefName(ref)) {
      throw invalid(`${String(ref)} is not a valid ref name.`, doc);
    }
    if (typeof sha !== "string" || !this.objectType(sha)) throw invalid("Object does not exist", doc);
    if (ref.startsWith("refs/heads/") && this.objectType(sha) !== "commit") throw invalid("Object is not a commit", doc);
    if (this.resolveRef(ref)) throw invalid("Reference already exists", doc);
    this.git(["update-ref", ref, sha, "0".repeat(40)]);
    return this.refJson(ref, sha);
  }

  private updateRef(name: string, body: Record<string, unknown>): GitRef {
    const doc = `${DOCS}/refs#update-a-reference`;
    const ref = `refs/${name}`;
    const { sha, force = false } = body;
    const current = this.validRefName(ref) ? this.resolveRef(ref) : undefined;
    if (!current) throw invalid("Reference does not exist", doc);
    if (typeof sha !== "string" || !this.objectType(sha)) throw invalid("Object does not exist", doc);
    if (ref.startsWith("refs/heads/") && this.refFailures > 0) {
      this.refFailures--;
      throw invalid("Update is not a fast forward", doc);
    }
    if (force !== true) {
      const r = runGit(["--git-dir", this.bareRepo, "merge-base", "--is-ancestor", current, sha]);
      if (r.status !== 0) throw invalid("Update is not a fast forward", doc);
    }
    this.git(["update-ref", ref, sha, current]);
    return this.refJson(ref, sha);
  }

  private deleteRef(name: string): [number, undefined] {
    const ref = `refs/${name}`;
    const current = this.validRefName(ref) ? this.resolveRef(ref) : undefined;
    if (!current) throw invalid("Reference does not exist", `${DOCS}/refs#delete-a-reference`);
    this.git(["update-ref", "-d", ref, current]);
    return [204, undefined];
  }

  private validRefName(ref: string): boolean {
    return runGit(["check-ref-format", ref]).status === 0;
  }
}

/** GitHub refuses empty, `.`, `..` and `.git` components and leading or trailing slashes. */
function validPath(path: string): boolean {
  return path.split("/").every((part) => part !== "" && part !== "." && part !== ".." && part.toLowerCase() !== ".git" && !part.includes("\0"));
}
