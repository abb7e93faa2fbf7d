/**
 * The repository's Git Data endpoints through the project's Octokit client (retries of 5xx and
 * network errors with backoff, rate limits waited out and said so), with each failure turned into
 * one message that names the request, GitHub's status and answer, and what to do about it.
 */
import { RequestError } from "@octokit/request-error";
import { createGitHubClient } from "../../../generator/github/api-client.js";

/** Longest wait for a rate-limit reset; beyond it the update fails with the reset time. */
const MAX_RATE_LIMIT_WAIT_SECONDS = 15 * 60;
const REQUEST_TIMEOUT_MS = 120_000;
/** Retries per request; the n-th waits n² × the base. */
const RETRIES = 3;
const RETRY_BASE_MS = 250;

/** A GitHub error answer: the status and GitHub's own message, for callers that act on them. */
export interface GitHubError extends Error {
  status: number;
  githubMessage: string;
}

export function isGitHubError(e: unknown, status?: number): e is GitHubError {
  return e instanceof Error && typeof (e as Partial<GitHubError>).status === "number" && (status === undefined || (e as GitHubError).status === status);
}

function hint(status: number, method: string): string {
  if (status === 401) return " (the token was rejected: set a valid one with `pulumi config set --secret github:token`, or GITHUB_TOKEN)";
  if (status === 403 || (status === 404 && method !== "GET"))
    return " (the token needs write access to the index repository's contents: fine-grained `Contents: write`, classic `repo` or `public_repo`)";
  if (status === 409) return " (the repository is empty: the Git Data API needs one commit first; the stack creates the index repository with autoInit)";
  return "";
}

/**
 * GITHUB_PYPI_WRITE_INTERVAL_MS: the least time between two writes. Unset: GitHub's rule of one a
 * second (its secondary rate limits allow about 80 content writes a minute). Lower it only for a
 * GitHub Enterprise Server whose administrators turned those limits off.
 */
function writeIntervalMs(): number | undefined {
  const raw = process.env.GITHUB_PYPI_WRITE_INTERVAL_MS;
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,6}$/.test(raw)) throw new Error(`publication: GITHUB_PYPI_WRITE_INTERVAL_MS must be a whole number of milliseconds, not ${JSON.stringify(raw)}`);
  return Number(raw);
}

export interface GitDataApi {
  /** `path` is below /repos/OWNER/REPO, already percent-encoded where needed. */
  call<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: object): Promise<T>;
  /** HTTP requests made so far, retries included. */
  requests(): number;
}

export function gitDataApi(apiUrl: string, owner: string, repository: string, token: string | undefined): GitDataApi {
  const interval = writeIntervalMs();
  const { client, stats } = createGitHubClient({
    baseUrl: apiUrl,
    ...(token ? { token } : {}),
    maxRateLimitWaitSeconds: MAX_RATE_LIMIT_WAIT_SECONDS,
    retries: RETRIES,
    retryBaseMs: RETRY_BASE_MS,
    timeoutMs: REQUEST_TIMEOUT_MS,
    ...(interval === undefined ? {} : { writeIntervalMs: interval }),
    notice: (message) => console.error(message),
  });
  const repo = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repository)}`;
  return {
    async call<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: object): Promise<T> {
      const what = `${method} /repos/${owner}/${repository}${path}`;
      try {
        const res = await client.request({ method, url: `${repo}${path}`, ...(body === undefined ? {} : { data: body }) });
        return res.data as T;
      } catch (e) {
        if (!(e instanceof RequestError)) throw e;
        if (!e.response) throw new Error(`GitHub: ${what} failed: ${e.message}`);
        const data = e.response.data as { message?: unknown } | string | undefined;
        const message = typeof data === "object" && data !== null && typeof data.message === "string" ? data.message : String(data ?? "").slice(0, 300);
        throw Object.assign(new Error(`GitHub: ${what} failed with HTTP ${e.status}: ${message}${hint(e.status, method)}`), { status: e.status, githubMessage: message });
      }
    },
    requests: () => stats.total,
  };
}
