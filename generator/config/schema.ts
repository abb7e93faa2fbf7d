import { z } from "zod";

/**
 * Index settings: one schema for the CLI's `--config` file and (later) the Pulumi stack config,
 * so a key means the same thing in both places. Strict objects: a misspelt key is an error that
 * names it, not a setting silently ignored.
 */
const yankReason = z.union([z.string(), z.literal(true)]);

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
  })
  .strict();

export type IndexConfigInput = z.input<typeof indexConfigSchema>;
export type IndexConfig = z.output<typeof indexConfigSchema>;
