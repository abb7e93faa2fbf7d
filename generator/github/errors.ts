import { RequestError } from "@octokit/request-error";
import { UserError } from "../diagnostics/warnings.js";

/**
 * A GitHub failure after retries, as an error the user can act on: what was being done (naming the
 * repository), the HTTP status, and GitHub's own message. The build stops; nothing is published.
 */
export function failure(e: unknown, doing: string): UserError {
  if (e instanceof UserError) return e;
  if (e instanceof RequestError) {
    const data = e.response?.data as { message?: unknown } | undefined;
    const message = typeof data?.message === "string" ? data.message : e.message;
    const status = e.status === 500 && !e.response ? "a network error" : `HTTP ${e.status}`;
    return new UserError(`GitHub: ${doing} failed with ${status}: ${message}${hint(e.status)}`);
  }
  return new UserError(`GitHub: ${doing} failed: ${(e as Error).message ?? String(e)}`);
}

function hint(status: number): string {
  if (status === 401) return " (check the token: --token or GITHUB_TOKEN)";
  if (status === 404) return " (it does not exist, or the token cannot see it)";
  if (status === 403 || status === 429) return " (rate limit or permissions; see --max-rate-limit-wait)";
  return "";
}

/**
 * A `paginate` map function that stops a listing whose `next` link leads back to a page already
 * read (a broken proxy or server would otherwise keep the build paging forever).
 */
export function pagesOnce<T>(): (response: { url: string; data: T[] }) => T[] {
  const seen = new Set<string>();
  return (response) => {
    if (seen.has(response.url)) throw new Error(`the listing's next page ${response.url} was already read: a pagination loop`);
    seen.add(response.url);
    return response.data;
  };
}
