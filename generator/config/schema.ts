import { z } from "zod";
import { namespaceProblems } from "../names/namespaces.js";
import { DEFAULT_INDEX_MAX_AGE_SECONDS } from "./defaults.js";

/**
 * Index settings: one schema for the CLI's `--config` file and the Pulumi stack config, so a key
 * means the same thing in both places. Strict objects: a misspelt key is an error that names it,
 * not a setting silently ignored. Each key's description lives here, once: the settings
 * reference and Pulumi.yaml are generated from it (`npm run docs`).
 */
const yankReason = z.union([z.string(), z.literal(true)]);
const projectName = z.string().min(1).meta({ title: "project" });

const upstreamSchema = z
  .object({
    url: z
      .string()
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol) && !new URL(u).username && !new URL(u).password && !new URL(u).search && !new URL(u).hash, {
        message: "expected an http(s) URL of a simple index, without credentials, query or fragment, e.g. https://pypi.org/simple/",
      })
      .transform((u) => (u.endsWith("/") ? u : `${u}/`))
      .describe("The upstream's simple root, e.g. https://pypi.org/simple/ (a trailing / is added)."),
    claimed: z
      .array(z.string().regex(/^[A-Za-z0-9._*?-]+$/, "expected a project name or a glob of one (letters, digits, . _ - and * ?)"))
      .default([])
      .describe("Names that are ours even when the index does not hold them (globs: acme-*), so they never come from the upstream; namespaces is the newer way to say so."),
  })
  .strict();

/** PEP 792 project status markers. */
export const PROJECT_STATUSES = ["active", "archived", "deprecated", "quarantined"] as const;
export type ProjectStatusName = (typeof PROJECT_STATUSES)[number];

const statusSchema = z
  .object({
    status: z.enum(PROJECT_STATUSES).describe("The PEP 792 marker. A quarantined project offers no files."),
    reason: z.string().min(1).max(1000).optional().describe("Shown to people (the catalog) and to installers (PEP 792's reason)."),
  })
  .strict();

export const indexConfigSchema = z
  .object({
    title: z.string().min(1).max(200).default("Python package index").describe("Title of the index's human pages."),
    yanked: z
      .record(projectName, z.record(z.string().min(1).meta({ title: "version" }), yankReason))
      .default({})
      .describe(
        "PEP 592 yanks: project -> version -> reason (a string, or true for no reason). Names compare normalised (PEP 503), versions by PEP 440 equality; a yank that matches no file is warned about (yank-unmatched).",
      ),
    packagesUrl: z.string().min(1).optional().describe("Where files named by a package list live (an absolute URL, or one relative to a project page)."),
    indexMaxAgeSeconds: z
      .number()
      .int()
      .min(0)
      .max(31_536_000)
      .default(DEFAULT_INDEX_MAX_AGE_SECONDS)
      .describe("Cache lifetime, in seconds, of index pages on every host (GitHub Pages, serve, the CDN and clients); distribution files are always cached as immutable."),
    upstream: upstreamSchema
      .optional()
      .describe(
        "One index URL: names the index does not hold, and no claimed glob or namespace covers, redirect to the upstream's page for the same name. Served at the CDN's edge, public or private, and by serve; GitHub Pages alone is static (the stack warns there).",
      ),
    namespaces: z
      .array(z.string())
      .default([])
      .superRefine((names, ctx) => {
        for (const message of namespaceProblems(names)) ctx.addIssue({ code: "custom", message });
      })
      .describe(
        "PEP 752 namespace grants, e.g. [acme, acme-internal]: acme covers the project acme and every acme-* project. A covered name is answered by the index alone (404 when it does not hold it, never the upstream, on every host), JSON pages carry Simple API 1.5's namespaces, and /simple/namespaces and /simple/namespace/<name> describe them. Valid project names, one spelling each, nested two deep at most (a root and its children).",
      ),
    status: z
      .record(projectName, statusSchema)
      .default({})
      .describe("PEP 792 project status markers: project -> { status, reason }. Names compare normalised. Without an entry, a project whose every file comes from an archived repository is archived."),
  })
  .strict();

export type IndexConfigInput = z.input<typeof indexConfigSchema>;
export type IndexConfig = z.output<typeof indexConfigSchema>;
