import { z } from "zod";
import { indexConfigSchema } from "./schema.js";

/**
 * The whole project configuration: the index settings plus where the packages come from and the
 * infrastructure around them. Pulumi reads it from `github-pypi:*` stack config; the CLI's
 * `--config` file accepts the same keys. Strict objects: a misspelt key is an error naming it.
 */
const list = z.array(z.string().min(1));

export const sourcesSchema = z
  .object({
    /** The organisation whose releases and tags are indexed. */
    org: z.string().min(1).optional(),
    topics: list.default([]),
    /** `OWNER/NAME`, NAME may be a glob. */
    repositories: z.array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, "expected OWNER/NAME")).default([]),
    includePrivate: z.boolean().default(false),
    /** Archived repositories are indexed, their projects marked `archived` (PEP 792); false leaves them out. */
    includeArchived: z.boolean().default(true),
    tags: z.boolean().default(true),
    localDirs: list.default([]),
    packageList: list.default([]),
    packageListJson: list.default([]),
    packagesUrl: z.string().min(1).optional(),
  })
  .strict();

export const FILES_MODES = ["link", "mirror"] as const;
export type FilesMode = (typeof FILES_MODES)[number];

export const TEAM_PERMISSIONS = ["pull", "triage", "push", "maintain", "admin"] as const;

export const teamSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    members: list.default([]),
    maintainers: list.default([]),
    permission: z.enum(TEAM_PERMISSIONS),
    /** Defaults to the index repository and every indexed repository. */
    repositories: list.optional(),
  })
  .strict()
  .refine((t) => !t.members.some((m) => t.maintainers.some((x) => x.toLowerCase() === m.toLowerCase())), {
    message: "a person is listed as both member and maintainer",
    path: ["members"],
  });

export const cdnSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** A custom domain for the distribution (needs certificateArn or hostedZoneId). */
    domain: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, "expected a domain name such as pypi.example.com").optional(),
    /** An ACM certificate for the domain; CloudFront only takes certificates from us-east-1. */
    certificateArn: z.string().regex(/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, "expected an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there)").optional(),
    /** A Route 53 zone holding the domain: the stack then requests and validates the certificate and creates the alias records. */
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ").optional(),
    priceClass: z.enum(["PriceClass_All", "PriceClass_200", "PriceClass_100"]).default("PriceClass_100"),
    /** Deprecated: the top-level indexMaxAgeSeconds applies to Pages, serve and the CDN alike (infra/stack-config.ts moves it there). */
    indexMaxAgeSeconds: z.number().int().min(0).max(31_536_000).optional(),
    /** public: anyone may read; github: a private index, each request needs a GitHub token that may read the project's repository. */
    access: z.enum(["public", "github"]).default("public"),
    /** With access github: `OWNER/NAME` whose readers may see the root pages and projects from local sources; default the index repository. */
    gateRepository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "expected OWNER/NAME").optional(),
    /** Requests per 5 minutes from one IP address before AWS WAF answers 429; 0 is off. Default 3000 with access github, else 0. */
    rateLimit: z
      .number()
      .int()
      .refine((n) => n === 0 || (n >= 10 && n <= 2_000_000_000), "expected 0 (off) or 10 to 2,000,000,000 requests per 5 minutes (AWS WAF's range)")
      .optional(),
  })
  .strict()
  .refine((c) => c.access !== "github" || c.enabled, { message: "access: github is enforced by the CDN: set enabled: true too", path: ["access"] })
  .refine((c) => !c.gateRepository || c.access === "github", { message: "gateRepository only applies with access: github", path: ["gateRepository"] })
  .refine((c) => c.rateLimit === undefined || c.enabled, { message: "rateLimit is enforced by the CDN: set enabled: true too", path: ["rateLimit"] })
  .refine((c) => !c.domain || c.certificateArn || c.hostedZoneId, { message: "a custom domain needs certificateArn or hostedZoneId (to request a certificate)", path: ["domain"] })
  .refine((c) => c.domain || (!c.certificateArn && !c.hostedZoneId), { message: "certificateArn and hostedZoneId are for a custom domain: set domain too", path: ["domain"] });

export const stackConfigSchema = indexConfigSchema
  .extend({
    /** Name of the index repository the stack creates. */
    indexRepository: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "expected a repository name").default("pypi"),
    sources: sourcesSchema.default(sourcesSchema.parse({})),
    files: z.enum(FILES_MODES).default("link"),
    pagesBranch: z.string().min(1).default("gh-pages"),
    /** Custom domain for Pages. */
    cname: z.string().min(1).optional(),
    teams: z.array(teamSchema).default([]),
    cdn: cdnSchema.default(cdnSchema.parse({})),
    /** File names (e.g. `acme_app-1.0.0-py3-none-any.whl`) allowed to change bytes on purpose; each is otherwise kept as first indexed. */
    replaceFiles: z.array(z.string().min(1)).default([]),
    /**
     * At preview, ask the upstream which of the index's names it also holds (as `build --check-upstream`).
     * Default: on for a public index; off for a private one, whose names the question would tell the upstream.
     */
    checkUpstream: z.boolean().optional(),
  })
  .strict()
  .refine((c) => new Set(c.teams.map((t) => t.name.toLowerCase())).size === c.teams.length, { message: "team names must be unique", path: ["teams"] });

export type StackConfigInput = z.input<typeof stackConfigSchema>;
export type StackConfig = z.output<typeof stackConfigSchema>;
export type SourcesConfig = z.output<typeof sourcesSchema>;
export type TeamConfig = z.output<typeof teamSchema>;
export type CdnConfig = z.output<typeof cdnSchema>;

/** The keys under `github-pypi:` that the schema knows, for reading them from stack config. */
export const STACK_KEYS = Object.keys(stackConfigSchema.shape) as (keyof StackConfig)[];
