import { z } from "zod";

/**
 * Where the packages come from: the `sources` key of both the CLI's `--config` file and the
 * stack's `github-pypi:sources`, the same keys the build's flags set (flags win). Strict: a
 * misspelt key is an error naming it.
 */
const list = z.array(z.string().min(1));

export const sourcesSchema = z
  .object({
    org: z
      .string()
      .min(1)
      .optional()
      .describe("The GitHub organisation (or user) whose release assets and version tags are indexed (--github-org). The stack defaults to github:owner when no source is named."),
    topics: list.default([]).describe("Only repositories with one of these topics (--topic)."),
    repositories: z
      .array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, "expected OWNER/NAME"))
      .default([])
      .describe("Only these repositories, OWNER/NAME; NAME may be a glob such as tools-* (--repo)."),
    includePrivate: z.boolean().default(false).describe("Also index private and internal repositories (--include-private). The stack turns it on with cdn.access: github."),
    includeArchived: z
      .boolean()
      .default(true)
      .describe("Archived repositories are indexed, their projects marked archived (PEP 792), so pinned installs keep working; false leaves them out (--skip-archived)."),
    tags: z.boolean().default(true).describe("Turn version tags of repositories without release files into git links (--no-tags turns it off)."),
    localDirs: list.default([]).describe("Folders of wheels and sdists to copy into the site (--from), relative to the settings file (the project folder for the stack)."),
    packageList: list.default([]).describe("dumb-pypi lists of file names, one a line (--package-list); - is stdin."),
    packageListJson: list.default([]).describe("dumb-pypi JSON-lines lists (--package-list-json)."),
    packagesUrl: z.string().min(1).optional().describe("Where files named by a package list live (--packages-url); overrides the top-level packagesUrl."),
  })
  .strict();

export type SourcesConfig = z.output<typeof sourcesSchema>;
