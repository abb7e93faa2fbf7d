import { z } from "zod";
import { projectFileSchema, type StackOnlyKey } from "../../generator/config/project-file.js";
import { CHECK_UPSTREAM_DEFAULT_LIMIT, DEFAULT_PRIVATE_RATE_LIMIT } from "../../generator/config/defaults.js";

/**
 * The stack's `github-pypi:*` config: the settings file's keys (index settings, `sources`,
 * `files`, in generator/config/) plus the keys only the stack reads: the index repository, its
 * Pages branch, teams and the CDN. Strict objects: a misspelt key is an error naming it. Each
 * key's description lives here, once; Pulumi.yaml's `config:` block and docs/reference/settings.md
 * are generated from it (`npm run docs`).
 */
const list = z.array(z.string().min(1));

export const TEAM_PERMISSIONS = ["pull", "triage", "push", "maintain", "admin"] as const;

export const teamSchema = z
  .object({
    name: z.string().min(1).describe("The team's name (unique, case-insensitively)."),
    description: z.string().optional().describe("The team's description on GitHub."),
    members: list.default([]).describe("GitHub logins of the team's members. Membership is authoritative: anyone else is removed."),
    maintainers: list.default([]).describe("GitHub logins of the team's maintainers; a person is a member or a maintainer, not both."),
    permission: z.enum(TEAM_PERMISSIONS).describe("What the team may do on its repositories."),
    repositories: list.optional().describe("The repositories the team is granted; default the index repository and every indexed repository."),
  })
  .strict()
  .refine((t) => !t.members.some((m) => t.maintainers.some((x) => x.toLowerCase() === m.toLowerCase())), {
    message: "a person is listed as both member and maintainer",
    path: ["members"],
  });

export const cdnSchema = z
  .object({
    enabled: z.boolean().default(false).describe("Turn the CloudFront CDN on (an S3 bucket behind CloudFront, in front of or instead of GitHub Pages)."),
    domain: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, "expected a domain name such as pypi.example.com")
      .optional()
      .describe("A custom domain for the distribution; it needs certificateArn or hostedZoneId."),
    certificateArn: z
      .string()
      .regex(/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, "expected an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there)")
      .optional()
      .describe("An ACM certificate for domain, in us-east-1 (CloudFront only uses certificates from there)."),
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{1,31}$/, "expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ")
      .optional()
      .describe("The Route 53 zone holding domain: the stack then requests and validates the certificate and creates the alias records."),
    priceClass: z.enum(["PriceClass_All", "PriceClass_200", "PriceClass_100"]).default("PriceClass_100").describe("CloudFront's price class."),
    indexMaxAgeSeconds: z
      .number()
      .int()
      .min(0)
      .max(31_536_000)
      .optional()
      .describe(
        "Deprecated: the top-level indexMaxAgeSeconds applies to Pages, serve and the CDN alike. Still taken, with warning[deprecated-key], and refused when it disagrees with the top-level key.",
      ),
    access: z
      .enum(["public", "github"])
      .default("public")
      .describe(
        "public: anyone may read. github: a private index, where every request needs a GitHub token that may read the project's repository; Pages is then off and the index repository private.",
      ),
    gateRepository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "expected OWNER/NAME")
      .optional()
      .describe("With access: github, the repository (OWNER/NAME) whose readers may see the root pages and the projects from local sources; default the index repository."),
    rateLimit: z
      .number()
      .int()
      .refine((n) => n === 0 || (n >= 10 && n <= 2_000_000_000), "expected 0 (off) or 10 to 2,000,000,000 requests per 5 minutes (AWS WAF's range)")
      .optional()
      .describe(
        `Requests per 5 minutes from one IP address before AWS WAF answers 429; 0 is off, else 10 to 2,000,000,000. Default ${DEFAULT_PRIVATE_RATE_LIMIT} with access: github, 0 for a public index.`,
      ),
  })
  .strict()
  .refine((c) => c.access !== "github" || c.enabled, { message: "access: github is enforced by the CDN: set enabled: true too", path: ["access"] })
  .refine((c) => !c.gateRepository || c.access === "github", { message: "gateRepository only applies with access: github", path: ["gateRepository"] })
  .refine((c) => c.rateLimit === undefined || c.enabled, { message: "rateLimit is enforced by the CDN: set enabled: true too", path: ["rateLimit"] })
  .refine((c) => !c.domain || c.certificateArn || c.hostedZoneId, { message: "a custom domain needs certificateArn or hostedZoneId (to request a certificate)", path: ["domain"] })
  .refine((c) => c.domain || (!c.certificateArn && !c.hostedZoneId), { message: "certificateArn and hostedZoneId are for a custom domain: set domain too", path: ["domain"] });

/** The keys only the stack reads: `satisfies` holds them to STACK_ONLY_KEYS, which the settings file refuses by name. */
const stackOnly = {
  indexRepository: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "expected a repository name")
    .default("pypi")
    .describe("Name of the index repository the stack creates in the organisation (github:owner)."),
  pagesBranch: z
    .string()
    .min(1)
    .default("gh-pages")
    .describe("The branch GitHub Pages serves. The publication owns it and writes the whole site as one commit per change; anything else on it is removed."),
  cname: z.string().min(1).optional().describe("A custom domain for GitHub Pages; the publication writes the CNAME file."),
  teams: z.array(teamSchema).default([]).describe("Team access as code: each team's people and permission on the index repository and the indexed repositories. Membership is authoritative."),
  cdn: cdnSchema.default(cdnSchema.parse({})).describe("The optional CloudFront CDN: one URL (upstream) and a private index (access: github) need it, since GitHub Pages alone is static."),
  replaceFiles: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "File names (e.g. acme_app-1.0.0-py3-none-any.whl) allowed to change bytes in this update, as --replace-file; a file name otherwise keeps the bytes it was first indexed with. Remove them once replaced.",
    ),
  checkUpstream: z
    .boolean()
    .optional()
    .describe(
      `At preview, list the index's names that the upstream also holds, with its highest version (as build --check-upstream). Default on for a public index of up to ${CHECK_UPSTREAM_DEFAULT_LIMIT.toLocaleString("en")} names, off for more and for a private index (the question tells the upstream your names).`,
    ),
} satisfies Record<StackOnlyKey, z.ZodType>;

export const stackConfigSchema = projectFileSchema
  .extend(stackOnly)
  .strict()
  .refine((c) => new Set(c.teams.map((t) => t.name.toLowerCase())).size === c.teams.length, { message: "team names must be unique", path: ["teams"] });

export type StackConfigInput = z.input<typeof stackConfigSchema>;
export type StackConfig = z.output<typeof stackConfigSchema>;
export type TeamConfig = z.output<typeof teamSchema>;
export type CdnConfig = z.output<typeof cdnSchema>;

/** The keys under `github-pypi:` that the schema knows, for reading them from stack config. */
export const STACK_KEYS = Object.keys(stackConfigSchema.shape) as (keyof StackConfig)[];
