/**
 * The two questions the access gate asks GitHub, with the person's own token: who is this
 * (`GET /user`), and may they read this repository (`GET /repos/{owner}/{repo}`).
 *
 * Plain `fetch` (built into Node and the Lambda@Edge runtime) keeps the edge bundle small. Every
 * answer is one of a few verdicts; anything GitHub did not clearly decide (5xx, rate limit,
 * timeout, network) is `unknown`, which the gate turns into 503: fail closed.
 */

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
      // A non-JSON body (a proxy's error page) is judged by its status alone.
    }
    return { status: response.status, headers: response.headers, body };
  }

  return {
    async identity(token) {
      const a = await get("/user", token);
      if ("kind" in a) return a;
      const limited = rateLimited(a);
      if (limited) return limited;
      if (a.status === 200) {
        const login = a.body !== null && typeof a.body === "object" && "login" in a.body && typeof a.body.login === "string" ? a.body.login : "";
        return login ? { kind: "person", login } : { kind: "unknown", why: "GET /user answered without a login" };
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
      const limited = rateLimited(a);
      if (limited) return limited;
      if (a.status === 200) {
        const permissions = a.body !== null && typeof a.body === "object" && "permissions" in a.body ? a.body.permissions : undefined;
        const pull = permissions !== null && typeof permissions === "object" && "pull" in permissions ? permissions.pull : undefined;
        return pull === false ? { kind: "hidden", why: "no pull permission" } : { kind: "readable" };
      }
      if (a.status === 404) return { kind: "hidden", why: "not found for this token" };
      if (a.status === 401) return { kind: "rejected" };
      // 403 without a rate limit: the organisation enforces SAML SSO and the token is not authorised for it, or a policy blocks it.
      if (a.status === 403) return { kind: "hidden", why: messageOf(a.body) || "forbidden" };
      return { kind: "unknown", why: `GET /repos/${fullName} answered HTTP ${a.status}` };
    },
  };
}
