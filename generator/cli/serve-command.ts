import { existsSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../diagnostics/warnings.js";
import { startServer, type RunningServer, type ServeOptions } from "../serving/server.js";
import { defaultAccessMapPath, readAccessFile } from "../serving/access/access-map-file.js";
import { createAccessGate } from "../serving/access/gate.js";
import { createGitHubAccess } from "../serving/access/github-access.js";
import { indexConfigSchema } from "../config/schema.js";
import { DEFAULT_AUTH_CACHE, DEFAULT_GITHUB_API_URL } from "../config/defaults.js";
import type { UpstreamSettings } from "../protocol/upstream-settings.js";
import { readUpstreamRecord } from "../site/upstream-record.js";

export interface ServeCommandOptions {
  port: number;
  host: string;
  indexMaxAge: number;
  quiet?: boolean;
  auth?: "none" | "github";
  gateRepository?: string;
  /** The access map `github-pypi build` wrote (default: `DIR.access.json`, beside the site). */
  accessMap?: string;
  githubApiUrl?: string;
  /** "POSITIVE,NEGATIVE" seconds. */
  authCache?: string;
  /** Overrides the upstream the site was built with; `false` (from --no-upstream) turns it off. */
  upstream?: string | boolean;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

function cacheSeconds(value: string): [number, number] {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value);
  if (!m) throw new UserError(`--auth-cache expects two whole numbers of seconds, granted and refused, such as ${DEFAULT_AUTH_CACHE}; got ${JSON.stringify(value)}`);
  return [Number(m[1]), Number(m[2])];
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost" || host.startsWith("127.");
}

/** The gate for `--auth github`, reading the site's access map; undefined without it. */
async function accessFor(dir: string, opts: ServeCommandOptions, say: (line: string) => void): Promise<ServeOptions["access"]> {
  if ((opts.auth ?? "none") === "none") {
    if (opts.gateRepository) throw new UserError("--gate-repository only applies with --auth github");
    return undefined;
  }
  const gateRepository = opts.gateRepository;
  if (!gateRepository) throw new UserError("--auth github needs --gate-repository OWNER/NAME: the repository whose readers may see the root pages");
  if (!REPOSITORY.test(gateRepository)) throw new UserError(`--gate-repository expects OWNER/NAME, got ${JSON.stringify(gateRepository)}`);
  const [positiveTtlSeconds, negativeTtlSeconds] = cacheSeconds(opts.authCache ?? DEFAULT_AUTH_CACHE);
  const mapPath = opts.accessMap ?? defaultAccessMapPath(dir);
  // Without the map every project would fall to the gate repository's readers: refuse instead.
  const file = await readAccessFile(mapPath);
  if (!file) throw new UserError(`--auth github needs the access map that \`github-pypi build\` writes beside the site; ${mapPath} does not exist (rebuild, or pass --access-map FILE)`);
  // The list pages are rendered per person from these entries; without them there is no safe root to serve.
  if (!file.lists) throw new UserError(`${mapPath} comes from an older build without the entries of the per-person list pages; rebuild the site`);
  const { map, lists } = file;
  if (!isLoopback(opts.host)) say(`warning: tokens travel in clear over plain HTTP; put TLS in front of ${opts.host} before anyone else uses it`);
  const gate = createAccessGate({
    gateRepository,
    map,
    github: createGitHubAccess({ apiUrl: opts.githubApiUrl ?? DEFAULT_GITHUB_API_URL, timeoutMs: 5000 }),
    positiveTtlSeconds,
    negativeTtlSeconds,
  });
  return { gate, realm: gateRepository, lists };
}

/** The site's recorded upstream, with `--upstream URL` replacing its URL (its claimed patterns stay). */
async function upstreamFor(dir: string, override: string | boolean | undefined): Promise<UpstreamSettings | undefined> {
  if (override === false) return undefined;
  const recorded = await readUpstreamRecord(dir);
  if (override === undefined || override === true) return recorded;
  const parsed = indexConfigSchema.shape.upstream.safeParse({ url: override, claimed: recorded?.claimed ?? [] });
  if (!parsed.success || !parsed.data) throw new UserError(`--upstream ${override}: ${parsed.error?.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/** Starts the server and prints how to install from it; runs until interrupted. */
export async function serveSite(dir: string, opts: ServeCommandOptions): Promise<RunningServer & { upstream?: UpstreamSettings }> {
  if (!existsSync(join(dir, "simple", "index.html"))) {
    throw new UserError(`${dir} is not a built site (no simple/index.html); run \`github-pypi build --out ${dir} ...\` first`);
  }
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  if (existsSync(join(dir, ".github-pypi"))) {
    say(`warning[site-holds-build-data]: ${join(dir, ".github-pypi")} is from an older github-pypi build; a static host would serve it: rebuild the site`);
  }
  const access = await accessFor(dir, opts, say);
  const upstream = await upstreamFor(dir, opts.upstream);
  let server: RunningServer;
  try {
    server = await startServer({
      root: dir,
      host: opts.host,
      port: opts.port,
      indexMaxAgeSeconds: opts.indexMaxAge,
      ...(access ? { access } : {}),
      ...(upstream ? { upstream } : {}),
      ...(opts.quiet ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UserError(`port ${opts.port} on ${opts.host} is already in use; pick another with --port`);
    throw e;
  }
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return upstream ? { ...server, upstream } : server;
}

/** What `serve` and `demo` say about the upstream. */
export function describeUpstream(upstream: UpstreamSettings): string {
  const claimed = upstream.claimed.length ? `, and the names ${upstream.claimed.join(", ")} stay ours even when absent` : "";
  return `Names this index does not hold come from ${upstream.url}${claimed}.`;
}

export async function runServe(dir: string, opts: ServeCommandOptions): Promise<void> {
  const server = await serveSite(dir, opts);
  process.stdout.write(`Serving ${dir} at ${server.url}/ (Ctrl+C to stop)\n`);
  if (server.upstream) process.stdout.write(`  ${describeUpstream(server.upstream)}\n`);
  if (opts.auth === "github") {
    const { host } = new URL(server.url);
    process.stdout.write(`  Private: send a GitHub token as the password (user name ignored); access follows ${opts.gateRepository} and each project's repository.\n`);
    process.stdout.write(`  pip install --index-url "http://token:$(gh auth token)@${host}/simple/" <project>\n`);
  } else {
    process.stdout.write(`  pip install --index-url ${server.url}/simple/ <project>\n`);
  }
}
