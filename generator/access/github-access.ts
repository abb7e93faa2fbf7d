/**
 * The two questions the access gate asks GitHub, with the person's own token: who is this
 * (`GET /user`), and may they read this repository (`GET /repos/{owner}/{repo}`).
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
}

const USER_AGENT = "github-pypi-access-gate";

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
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const name = e instanceof Error ? e.name : "";
      return { kind: "unknown", why: name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : "GitHub could not be reached" };
    }
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // A non-JSON body (a proxy's page) is judged by its status alone, and never grants: see the schemas.
    }
    const answer: Answer = { status: response.status, headers: response.headers, body };
    return rateLimited(answer) ?? answer;
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
      // App installation tokens (Actions' GITHUB_TOKEN) may not read /user: "Resource not accessible by integration".
      if (a.status === 403) return { kind: "app" };
      return { kind: "unknown", why: `GET /user answered HTTP ${a.status}` };
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
