/**
 * The questions the access gate asks GitHub, with the person's own token: who is this
 * (`GET /user`), may they read this repository (`GET /repos/{owner}/{repo}`), which repositories
 * may they read (`GET /user/repos`, or `GET /installation/repositories` for an app's token), and
 * which of an owner's repositories are public now (`GET /orgs/{org}/repos?type=public`, or
 * `GET /users/{user}/repos` for a user account).
 *
 * Plain `fetch` (built into Node and the Lambda@Edge runtime) and zod's small build keep the edge
 * bundle small. Every answer is one of a few verdicts; anything GitHub did not clearly decide
 * (5xx, rate limit, timeout, network, or a 200 whose body is not the JSON GitHub sends, as from
 * an SSO or captive proxy) is `unknown`, which the gate turns into 503: fail closed.
 */
import * as z from "zod/mini";

export type Identity =
  | { kind: "person"; login: string }
  /** A GitHub App or Actions token: no user behind it, but repository checks still decide. */
  | { kind: "app" }
  | { kind: "rejected" }
  | Unknown;

export type RepositoryAccess = { kind: "readable" } | { kind: "hidden"; why: string } | { kind: "rejected" } | Unknown;

/** The repositories a token may read, as `owner/name` lower-cased. */
export type RepositoryList =
  | {
      kind: "listed";
      repositories: string[];
      /** Requests it took (GitHub pages at most 100 repositories). */
      requests: number;
      /** False when the person may read more than MAX_LIST_PAGES pages of repositories: the rest are left out. */
      complete: boolean;
    }
  | { kind: "rejected" }
  | Unknown;

export interface Unknown {
  kind: "unknown";
  /** For the log and the 503 body: e.g. `HTTP 502`, `timed out after 2000 ms`, `rate limited`. */
  why: string;
  /** Seconds until GitHub says to retry (rate limits), when it said so. */
  retryAfterSeconds?: number;
}

export interface GitHubAccessOptions {
  /** `https://api.github.com` or a GitHub Enterprise Server API root, without a trailing slash. */
  apiUrl: string;
  /** Per request; Lambda@Edge gives a viewer-request function 5 s in all. Default 2000. */
  timeoutMs?: number;
  /** Called once per request sent to GitHub (for figures); never given the token. */
  onRequest?: (path: string) => void;
}

export interface GitHubAccess {
  identity(token: string): Promise<Identity>;
  repository(token: string, fullName: string): Promise<RepositoryAccess>;
  readableRepositories(token: string): Promise<RepositoryList>;
  /** The owner's public repositories (the same for everyone), asked with this token. */
  publicRepositories(token: string, owner: string): Promise<RepositoryList>;
}

/** GitHub's largest page. */
const PER_PAGE = 100;
/** 10,000 repositories: a person who may read more sees the first ones only (fewer projects, never more). */
export const MAX_LIST_PAGES = 100;
/** Pages after the first are fetched this many at a time: a few round trips, and a few MB of JSON in memory at once. */
const LIST_CONCURRENCY = 10;

const USER_AGENT = "github-pypi-access-gate";
/** GitHub's message when an app installation's token asks for `GET /user`. */
const APP_MAY_NOT_ASK = "Resource not accessible by integration";

/** GitHub's login rules (39 characters of letters, digits and inner hyphens), plus Apps' `name[bot]`. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
/** `GET /user`: only what the gate reads, checked strictly. */
const userSchema = z.object({ login: z.string().check(z.regex(LOGIN)), id: z.number() });
/** `GET /repos/{owner}/{repo}` with a token: `permissions` is present for an authenticated caller. */
const repositorySchema = z.object({
  id: z.number(),
  full_name: z.string(),
  permissions: z.object({ pull: z.boolean() }),
});

/** One listed repository: a name, and the caller's permission, which must say pull. */
const listedSchema = z.object({ full_name: z.string(), permissions: z.object({ pull: z.boolean() }) });
const userReposSchema = z.array(listedSchema);
const installationReposSchema = z.object({ total_count: z.number(), repositories: z.array(listedSchema) });
/** An owner's listing: each entry must say whether it is private; only `private: false` ones (visibility public, where given) count. */
const publicReposSchema = z.array(z.object({ full_name: z.string(), private: z.boolean(), visibility: z.optional(z.string()) }));

/** The page count from GitHub's `Link` header (`rel="last"`), 1 when there is none. */
function lastPage(link: string | null): number {
  const last = link?.split(",").find((part) => /rel="last"/.test(part));
  const url = last?.match(/<([^>]+)>/)?.[1];
  if (url === undefined) return 1;
  const page = Number(new URL(url).searchParams.get("page"));
  return Number.isInteger(page) && page > 0 ? page : 1;
}

/** What was wrong with a 200 answer, for the log: the first problem zod found, never the body itself. */
function unexpected(endpoint: string, error: z.core.$ZodError): Unknown {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.join(".") : "body";
  return { kind: "unknown", why: `${endpoint} answered 200 with an unexpected body (${where}: ${issue?.message ?? "invalid"})` };
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

function rateLimited(a: Answer): Unknown | undefined {
  const remaining = a.headers.get("x-ratelimit-remaining");
  const retryAfter = Number(a.headers.get("retry-after"));
  if (a.status === 429 || ((a.status === 403 || a.status === 429) && (remaining === "0" || retryAfter > 0))) {
    let seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
    const reset = Number(a.headers.get("x-ratelimit-reset"));
    if (seconds === undefined && Number.isFinite(reset) && reset > 0) seconds = Math.max(1, Math.ceil(reset - Date.now() / 1000));
    return { kind: "unknown", why: "GitHub rate limit reached for this token", ...(seconds !== undefined ? { retryAfterSeconds: Math.min(seconds, 3600) } : {}) };
  }
  return undefined;
}

function messageOf(body: unknown): string {
  return body !== null && typeof body === "object" && "message" in body && typeof body.message === "string" ? body.message : "";
}

export function createGitHubAccess(options: GitHubAccessOptions): GitHubAccess {
  const apiUrl = options.apiUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 2000;

  async function get(path: string, token: string): Promise<Answer | Unknown> {
    options.onRequest?.(path);
    let response: Response;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      response = await fetch(apiUrl + path, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/vnd.github+json",
          "x-github-api-version": "2022-11-28",
          "user-agent": USER_AGENT,
        },
        // A renamed repository answers 301 to /repositories/ID; fetch drops the token on any cross-origin hop.
        redirect: "follow",
        signal,
      });
    } catch (e) {
      const name = e instanceof Error ? e.name : "";
      return { kind: "unknown", why: name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : "GitHub could not be reached" };
    }
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // The time ran out while the body came in (a long listing page): no answer, not a wrong one.
      if (signal.aborted) return { kind: "unknown", why: `no answer within ${timeoutMs} ms` };
      // A non-JSON body (a proxy's page) is judged by its status alone, and never grants: see the schemas.
    }
    const answer: Answer = { status: response.status, headers: response.headers, body };
    return rateLimited(answer) ?? answer;
  }

  /**
   * A listing's repositories from its first answer and the pages after it (their count known from
   * the first answer, so they are fetched a few at a time at once). Any page that is not a
   * well-formed 200 makes the whole listing unknown, or rejected on a 401.
   */
  async function allPages(
    endpoint: string,
    token: string,
    first: Answer | Unknown,
    requestsSoFar: number,
    repositories: (body: unknown) => string[] | z.core.$ZodError,
    pageCount: (first: Answer) => number,
  ): Promise<RepositoryList> {
    const path = endpoint.split("?")[0] as string;
    const read = (a: Answer | Unknown, page: number): string[] | Unknown | { kind: "rejected" } => {
      if ("kind" in a) return a;
      if (a.status === 401) return { kind: "rejected" };
      if (a.status !== 200) return { kind: "unknown", why: `GET ${path} page ${page} answered HTTP ${a.status}` };
      const repos = repositories(a.body);
      return Array.isArray(repos) ? repos : unexpected(`GET ${path}`, repos);
    };
    const firstRepos = read(first, 1);
    if (!Array.isArray(firstRepos)) return firstRepos;
    const total = pageCount(first as Answer);
    const pages = Math.min(Math.max(total, 1), MAX_LIST_PAGES);
    const all = [...firstRepos];
    let requests = requestsSoFar;
    for (let start = 2; start <= pages; start += LIST_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(LIST_CONCURRENCY, pages - start + 1) }, (_, i) => start + i);
      const answers = await Promise.all(batch.map((page) => get(`${endpoint}&page=${page}`, token)));
      requests += batch.length;
      for (const [i, a] of answers.entries()) {
        const repos = read(a, batch[i] as number);
        if (!Array.isArray(repos)) return repos;
        all.push(...repos);
      }
    }
    return { kind: "listed", repositories: all, requests, complete: total <= MAX_LIST_PAGES };
  }

  return {
    async identity(token) {
      const a = await get("/user", token);
      if ("kind" in a) return a;
      if (a.status === 200) {
        const user = userSchema.safeParse(a.body);
        return user.success ? { kind: "person", login: user.data.login } : unexpected("GET /user", user.error);
      }
      if (a.status === 401) return { kind: "rejected" };
      // App installation tokens (Actions' GITHUB_TOKEN) may not read /user, and GitHub says so in these words.
      // Any other 403 (a secondary rate limit without Retry-After, a locked account) decides nothing.
      const message = messageOf(a.body);
      if (a.status === 403 && message === APP_MAY_NOT_ASK) return { kind: "app" };
      // A 403's message says which (for the log).
      return { kind: "unknown", why: `GET /user answered HTTP ${a.status}${a.status === 403 && message ? ` (${message.slice(0, 200)})` : ""}` };
    },

    async readableRepositories(token) {
      // One endpoint for people and one for apps; an app's token is refused by the first (403).
      let endpoint = `/user/repos?per_page=${PER_PAGE}`;
      let first = await get(`${endpoint}&page=1`, token);
      let requests = 1;
      let app = false;
      if (!("kind" in first) && first.status === 403) {
        endpoint = `/installation/repositories?per_page=${PER_PAGE}`;
        first = await get(`${endpoint}&page=1`, token);
        requests++;
        app = true;
      }
      const repositories = (body: unknown): string[] | z.core.$ZodError => {
        const parsed = app ? installationReposSchema.safeParse(body) : userReposSchema.safeParse(body);
        if (!parsed.success) return parsed.error;
        const repos = Array.isArray(parsed.data) ? parsed.data : parsed.data.repositories;
        return repos.filter((r) => r.permissions.pull).map((r) => r.full_name.toLowerCase());
      };
      const pageCount = (a: Answer): number => (app ? Math.ceil((a.body as { total_count: number }).total_count / PER_PAGE) : lastPage(a.headers.get("link")));
      return allPages(endpoint, token, first, requests, repositories, pageCount);
    },

    async publicRepositories(token, owner) {
      const o = encodeURIComponent(owner);
      let endpoint = `/orgs/${o}/repos?type=public&per_page=${PER_PAGE}`;
      let first = await get(`${endpoint}&page=1`, token);
      let requests = 1;
      // A user account has no organisation listing (404); its own public listing is public repositories only.
      if (!("kind" in first) && first.status === 404) {
        endpoint = `/users/${o}/repos?per_page=${PER_PAGE}`;
        first = await get(`${endpoint}&page=1`, token);
        requests++;
      }
      const repositories = (body: unknown): string[] | z.core.$ZodError => {
        const parsed = publicReposSchema.safeParse(body);
        if (!parsed.success) return parsed.error;
        return parsed.data.filter((r) => !r.private && (r.visibility ?? "public") === "public").map((r) => r.full_name.toLowerCase());
      };
      return allPages(endpoint, token, first, requests, repositories, (a) => lastPage(a.headers.get("link")));
    },

    async repository(token, fullName) {
      const [owner = "", name = ""] = fullName.split("/");
      const a = await get(`/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`, token);
      if ("kind" in a) return a;
      if (a.status === 200) {
        // Granted only on an answer that says so: JSON shaped as GitHub's, with permissions.pull true.
        const repo = repositorySchema.safeParse(a.body);
        if (!repo.success) return unexpected(`GET /repos/${fullName}`, repo.error);
        return repo.data.permissions.pull ? { kind: "readable" } : { kind: "hidden", why: "no pull permission" };
      }
      if (a.status === 404) return { kind: "hidden", why: "not found for this token" };
      if (a.status === 401) return { kind: "rejected" };
      // 403 without a rate limit: the organisation enforces SAML SSO and the token is not authorised for it, or a policy blocks it.
      if (a.status === 403) return { kind: "hidden", why: messageOf(a.body) || "forbidden" };
      return { kind: "unknown", why: `GET /repos/${fullName} answered HTTP ${a.status}` };
    },
  };
}
