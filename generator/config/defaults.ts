/**
 * Every default that more than one module states: the commands' options, the settings schemas,
 * the stack, the local server and the gate read it from here, and the generated references
 * (docs/reference/) print it from them. Plain values that import next to nothing: the command
 * reads this module before it answers `--help`.
 */

/**
 * Index pages' Cache-Control max-age. It lives with the cache policy in the contracts module,
 * which the CloudFront Function's router imports and which may import nothing of ours; every
 * other module takes it from here.
 */
export { DEFAULT_INDEX_MAX_AGE_SECONDS } from "../protocol/cache-control.js";

/** Where the build keeps ETags, metadata and mirrored files between runs, relative to where it runs. */
export const DEFAULT_CACHE_DIR = ".cache/github-pypi";
/** Where `github-pypi demo` writes its site: inside the cache folder, never in the checkout's tree. */
export const DEFAULT_DEMO_SITE_DIR = `${DEFAULT_CACHE_DIR}/demo-site`;

/** The longest wait, in seconds, for a GitHub rate limit to reset before a build fails. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 900;
/** GitHub's REST API root (GitHub Enterprise Server: https://HOST/api/v3). */
export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

/** The local server's address and port: loopback only, unless told otherwise. */
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8000;

/** How long, in seconds, the gate keeps a verdict on a token: a grant, and a refusal. */
export const DEFAULT_GATE_GRANTED_TTL_SECONDS = 300;
export const DEFAULT_GATE_REFUSED_TTL_SECONDS = 30;
/** The two as `serve --auth-cache` spells them: granted,refused. */
export const DEFAULT_AUTH_CACHE = `${DEFAULT_GATE_GRANTED_TTL_SECONDS},${DEFAULT_GATE_REFUSED_TTL_SECONDS}`;

/** How release files are published: `link` points at GitHub's download URLs; `mirror` copies them into the site. */
export const FILES_MODES = ["link", "mirror"] as const;
export type FilesMode = (typeof FILES_MODES)[number];
export const DEFAULT_FILES_MODE: FilesMode = "link";

/**
 * The stack's (infra/): requests per 5 minutes from one IP address before the edge answers 429,
 * when a private index leaves `cdn.rateLimit` unset: about 10 a second, far above what
 * `pip install` asks for, far below a flood of invented tokens (each costs GitHub calls; edge
 * instances share no per-address count, so the gate's own limit is per instance).
 */
export const DEFAULT_PRIVATE_RATE_LIMIT = 3000;
/** The stack's: a preview asks the upstream one question per name; past this many names it does so only when asked (`checkUpstream`). */
export const CHECK_UPSTREAM_DEFAULT_LIMIT = 1000;
