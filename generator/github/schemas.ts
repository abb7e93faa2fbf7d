/**
 * The parts of GitHub's REST answers the build relies on, as schemas: a proxy's HTML page, an
 * object where a list belongs, a release without `assets` or a date that is not one is refused
 * at the boundary with the endpoint named, instead of failing later as a TypeError (or being
 * indexed wrong). Unknown fields pass; only what the build reads is checked.
 */
import { z } from "zod";

const timestamp = z.iso.datetime({ offset: true });

export const repositorySchema = z.object({
  name: z.string().min(1),
  full_name: z.string().regex(/^[^/]+\/[^/]+$/, "expected OWNER/NAME"),
  owner: z.object({ login: z.string().min(1) }),
  private: z.boolean(),
  visibility: z.string().optional(),
  archived: z.boolean().optional(),
  topics: z.array(z.string()).optional(),
  clone_url: z.string().min(1).optional(),
  html_url: z.string().min(1),
});
export type GitHubRepository = z.output<typeof repositorySchema>;

export const assetSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  size: z.number().int().nonnegative(),
  state: z.string(),
  digest: z.string().nullable().optional(),
  created_at: timestamp,
  updated_at: timestamp,
  browser_download_url: z.string().min(1),
});

export const releaseSchema = z.object({
  tag_name: z.string().min(1),
  draft: z.boolean(),
  prerelease: z.boolean(),
  assets: z.array(assetSchema),
});
export type GitHubRelease = z.output<typeof releaseSchema>;

export const tagSchema = z.object({
  name: z.string().min(1),
  commit: z.object({ sha: z.string().regex(/^[0-9a-f]{40}$/i, "expected a commit sha") }),
});
export type GitHubTag = z.output<typeof tagSchema>;

/** What came instead of JSON, in words: the usual culprits are a sign-in page and a plain-text error. */
export function describeBody(data: unknown): string {
  if (typeof data === "string") return /^\s*</.test(data) ? "an HTML page" : "text";
  if (data === null || data === undefined) return "an empty body";
  if (Array.isArray(data)) return "a JSON list";
  if (typeof data === "object") return "a JSON object";
  return `a JSON ${typeof data}`;
}

/** `assets.0.updated_at: Invalid ISO datetime`, the first problem of a refused item. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  return issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
}
