import { RequestError } from "@octokit/request-error";
import type { z } from "zod";
import { UserError } from "../diagnostics/warnings.js";
import { describeRequest } from "./api-client.js";
import { describeBody, firstIssue } from "./schemas.js";

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
 * A `paginate` map function that checks each page at the boundary: it must be a JSON list whose
 * items match `schema` (`noun` names them in the error), and its `next` link must not lead back
 * to a page already read (a broken proxy or server would otherwise keep the build paging forever).
 */
export function pagesOnce<S extends z.ZodType>(schema: S, noun: string): (response: { url: string; data: unknown }) => z.output<S>[] {
  const seen = new Set<string>();
  let offset = 0;
  return (response) => {
    if (seen.has(response.url)) throw new Error(`the listing's next page ${response.url} was already read: a pagination loop`);
    seen.add(response.url);
    const where = describeRequest({ url: response.url });
    if (!Array.isArray(response.data)) throw new Error(`${where} answered ${describeBody(response.data)}, not the JSON list GitHub sends`);
    const items = response.data.map((item: unknown, i) => {
      const parsed = schema.safeParse(item);
      if (!parsed.success) throw new Error(`${where}: item ${offset + i} is not ${noun} as GitHub documents it (${firstIssue(parsed.error)})`);
      return parsed.data;
    });
    offset += items.length;
    return items;
  };
}
