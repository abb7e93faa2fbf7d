import { z } from "zod";
import { namespaceProblems } from "../names/namespaces.js";

/**
 * Index settings: one schema for the CLI's `--config` file and (later) the Pulumi stack config,
 * so a key means the same thing in both places. Strict objects: a misspelt key is an error that
 * names it, not a setting silently ignored.
 */
const yankReason = z.union([z.string(), z.literal(true)]);

const upstreamSchema = z
  .object({
    /** The upstream's simple root, e.g. https://pypi.org/simple/ (a trailing `/` is added). */
    url: z
      .string()
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol) && !new URL(u).username && !new URL(u).password && !new URL(u).search && !new URL(u).hash, {
        message: "expected an http(s) URL of a simple index, without credentials, query or fragment, e.g. https://pypi.org/simple/",
      })
      .transform((u) => (u.endsWith("/") ? u : `${u}/`)),
    /** Names that are ours even when the index does not hold them (globs: `acme-*`), so they never come from the upstream. */
    claimed: z.array(z.string().regex(/^[A-Za-z0-9._*?-]+$/, "expected a project name or a glob of one (letters, digits, . _ - and * ?)")).default([]),
  })
  .strict();

/** PEP 792 project status markers. */
export const PROJECT_STATUSES = ["active", "archived", "deprecated", "quarantined"] as const;
export type ProjectStatusName = (typeof PROJECT_STATUSES)[number];

const statusSchema = z
  .object({
    status: z.enum(PROJECT_STATUSES),
    /** Shown to people (the catalog) and to installers (PEP 792's reason). */
    reason: z.string().min(1).max(1000).optional(),
  })
  .strict();

export const indexConfigSchema = z
  .object({
    /** Title of the human pages. */
    title: z.string().min(1).max(200).default("Python package index"),
    /** PEP 592: project -> version -> reason (a string, or `true` for no reason). */
    yanked: z.record(z.string().min(1), z.record(z.string().min(1), yankReason)).default({}),
    /** Where files named by a package list live (absolute URL, or relative to a project page). */
    packagesUrl: z.string().min(1).optional(),
    /** Cache lifetime of index pages; distribution files are always immutable. */
    indexMaxAgeSeconds: z.number().int().min(0).max(31_536_000).default(300),
    /** One index URL: names the index does not hold (and no `claimed` pattern covers) are sent to this index. */
    upstream: upstreamSchema.optional(),
    /**
     * PEP 752 namespace grants: `acme` covers `acme` and every `acme-*` project. A covered name is
     * answered by the index alone (404 when it does not hold it, never the upstream), and the JSON
     * API (1.5) says which grants cover each project. Nested two deep at most (`acme`, `acme-internal`).
     */
    namespaces: z
      .array(z.string())
      .default([])
      .superRefine((names, ctx) => {
        for (const message of namespaceProblems(names)) ctx.addIssue({ code: "custom", message });
      }),
    /** PEP 792: project -> its status marker (names compare normalised); an archived repository's projects are `archived` without it. */
    status: z.record(z.string().min(1), statusSchema).default({}),
  })
  .strict();

export type IndexConfigInput = z.input<typeof indexConfigSchema>;
export type IndexConfig = z.output<typeof indexConfigSchema>;
