import { createHash } from "node:crypto";
import { Octokit } from "@octokit/rest";
import { throttling } from "@octokit/plugin-throttling";
import { retry } from "@octokit/plugin-retry";
import { RequestError } from "@octokit/request-error";
import Bottleneck from "bottleneck";
import type { CacheStore } from "./cache-store.js";
import { describeBody } from "./schemas.js";

const GitHubOctokit = Octokit.plugin(throttling, retry);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

export interface GitHubClientOptions {
  /** REST API root: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server. */
  baseUrl: string;
  token?: string;
  /** Conditional requests: answers are kept with their ETag and replayed on 304. */
  cache?: CacheStore;
  /** The longest wait for a rate limit to reset before giving up (seconds). */
  maxRateLimitWaitSeconds: number;
  /** Retries of 5xx and network errors; the n-th retry waits n² × retryBaseMs. */
  retries?: number;
  retryBaseMs?: number;
  /** A request that takes longer than this is aborted and retried. */
  timeoutMs?: number;
  /**
   * The least time between two writes (POST, PATCH, PUT, DELETE), which go one at a time. GitHub
   * asks for at least a second to stay clear of its secondary rate limits, Octokit's default;
   * lower it only for a server without them.
   */
  writeIntervalMs?: number;
  /** Messages for the person running the build (rate-limit waits). */
  notice: (message: string) => void;
}

/** Every HTTP exchange with the API, counted by status ("error" for a network failure). */
export class ApiStats {
  readonly byStatus = new Map<number | "error", number>();
  count(status: number | "error"): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }
  get total(): number {
    let n = 0;
    for (const v of this.byStatus.values()) n += v;
    return n;
  }
  /** Requests answered with anything but 304: the ones that cost rate limit or carried a body. */
  get answeredOtherThan304(): number {
    return this.total - (this.byStatus.get(304) ?? 0);
  }
  describe(): string {
    const parts = [...this.byStatus.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0]))).map(([s, n]) => `${n}×${s}`);
    return parts.length ? parts.join(", ") : "none";
  }
}

interface CachedResponse {
  etag: string;
  link?: string;
  data: unknown;
}

/** A request's options as hooks and plugins hand them over: the URL may still be a template. */
type RequestOptionsLike = { method?: string; url?: string } & Record<string, unknown>;

/** The media types GitHub answers a raw-format request with (`application/vnd.github.v3.raw; charset=utf-8`, recorded). */
const RAW_MEDIA_TYPE = /^application\/vnd\.github(?:\.v3)?\.raw\b/i;

/**
 * Why an answer is not what was asked for, or undefined when it is: a JSON request must get a
 * JSON value (Octokit parses any `application/json` type), a raw-format request GitHub's raw media
 * type. Anything else asked for (release asset bytes) is not judged here.
 */
export function unexpectedAnswer(accept: string, contentType: string, data: unknown): string | undefined {
  if (RAW_MEDIA_TYPE.test(accept)) {
    return RAW_MEDIA_TYPE.test(contentType.trim()) ? undefined : `${describeBody(data)} (${contentType || "no content type"}), not the raw file GitHub sends`;
  }
  if (/json/i.test(accept) && (data === null || typeof data !== "object")) return `${describeBody(data)}, not the JSON GitHub sends`;
  return undefined;
}

/** `GET /repos/acme/tools/releases` from a request's options, for messages (no host, no query). */
export function describeRequest(options: { method?: string; url?: string }): string {
  let path = options.url ?? "?";
  try {
    path = new URL(path, "http://host.invalid").pathname;
  } catch {
    // keep the template as given
  }
  return `${options.method ?? "GET"} ${path}`;
}

export function createGitHubClient(options: GitHubClientOptions): { client: GitHubClient; stats: ApiStats } {
  const stats = new ApiStats();
  const timeoutMs = options.timeoutMs ?? 60_000;
  // Counting at the fetch level sees every attempt, including retries and 304s.
  const countingFetch: typeof fetch = async (input, init) => {
    try {
      const response = await fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
      stats.count(response.status);
      return response;
    } catch (e) {
      stats.count("error");
      throw e;
    }
  };
  // Filled in once the client exists: rate-limit notices name the request's real path.
  let describe = (request: RequestOptionsLike): string => describeRequest(request);
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: RequestOptionsLike, _octokit: unknown, retryCount: number): boolean => {
      const what = describe(request);
      if (retryAfter > options.maxRateLimitWaitSeconds) {
        options.notice(`GitHub ${kind} on ${what}: it resets in ${retryAfter}s, more than the ${options.maxRateLimitWaitSeconds}s allowed by --max-rate-limit-wait; giving up`);
        return false;
      }
      if (retryCount >= 3) return false;
      const at = new Date(Date.now() + retryAfter * 1000).toISOString().slice(11, 19);
      options.notice(`GitHub ${kind} on ${what}: waiting ${retryAfter}s for it to reset (at ${at} UTC)`);
      return true;
    };
  const client = new GitHubOctokit({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    ...(options.token ? { auth: options.token } : {}),
    userAgent: "github-pypi",
    request: { fetch: countingFetch },
    // 409 joins the plugin's list of answers not worth repeating: an empty repository stays empty.
    retry: { retries: options.retries ?? 3, retryAfterBaseValue: options.retryBaseMs ?? 1000, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
    throttle: {
      onRateLimit: onLimit("rate limit"),
      onSecondaryRateLimit: onLimit("secondary rate limit"),
      ...(options.writeIntervalMs === undefined ? {} : { write: new Bottleneck.Group({ id: "github-pypi-write", maxConcurrent: 1, minTime: options.writeIntervalMs }) }),
    },
    // Octokit logs 4xx/5xx itself; the build reports failures once, with the repository named.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });

  // What was really asked and answered: Octokit applies `mediaType` (raw file contents) and fills
  // the URL template only when it parses the options, so both are judged on the parsed request.
  const parsed = (requestOptions: RequestOptionsLike): { method: string; url: string; accept: string } => {
    try {
      if (requestOptions.url === undefined) throw new Error("no URL");
      const endpoint = client.request.endpoint({ ...requestOptions, url: requestOptions.url });
      return { method: endpoint.method, url: endpoint.url, accept: String(endpoint.headers.accept ?? "") };
    } catch {
      // Unparsable options never reach GitHub; judge by what they ask for, JSON unless they say otherwise.
      const headers = requestOptions.headers as Record<string, unknown> | undefined;
      return { method: requestOptions.method ?? "GET", url: requestOptions.url ?? "?", accept: String(headers?.accept ?? "application/json") };
    }
  };
  describe = (requestOptions) => describeRequest(parsed(requestOptions));

  // A 200 that is not what was asked for (a proxy's sign-in page, a wrong API URL) stops here,
  // before pagination, the cache or a parser see it: JSON must be JSON, a raw file must come as one.
  client.hook.after("request", (response, requestOptions) => {
    if (response.status !== 200) return;
    const asked = parsed(requestOptions);
    const problem = unexpectedAnswer(asked.accept, String(response.headers["content-type"] ?? ""), response.data);
    if (problem) throw new Error(`${describeRequest(asked)} answered ${problem}`);
  });

  const cache = options.cache;
  if (cache) {
    // Answers differ by who asks (private repositories), so the token's fingerprint is in the key.
    const who = options.token ? createHash("sha256").update(options.token).digest("hex").slice(0, 16) : "anonymous";
    client.hook.wrap("request", async (request, requestOptions) => {
      const endpoint = client.request.endpoint(requestOptions);
      const { redirect, uncached } = (requestOptions.request as { redirect?: string; uncached?: boolean } | undefined) ?? {};
      // `uncached`: a caller that keeps its own answers (attestation listings name expiring URLs).
      if (endpoint.method !== "GET" || redirect === "manual" || uncached === true) return request(requestOptions);
      const key = `${who} ${endpoint.url} ${String(endpoint.headers.accept ?? "")}`;
      const cached = await cache.get<CachedResponse>("http", key);
      if (cached) requestOptions.headers = { ...requestOptions.headers, "if-none-match": cached.etag };
      try {
        const response = await request(requestOptions);
        const etag = response.headers.etag;
        // Bytes (a raw file served without a charset) do not survive the JSON cache file: not kept.
        if (etag && !(response.data instanceof ArrayBuffer)) {
          const entry: CachedResponse = { etag, data: response.data };
          if (response.headers.link) entry.link = response.headers.link;
          await cache.put("http", key, entry);
        }
        return response;
      } catch (e) {
        if (cached && e instanceof RequestError && e.status === 304) {
          // Replay the stored answer; the Link header keeps pagination working on 304s.
          const headers: Record<string, string> = { etag: cached.etag };
          if (cached.link) headers.link = cached.link;
          return { status: 200, url: endpoint.url, headers, data: cached.data } as Awaited<ReturnType<typeof request>>;
        }
        throw e;
      }
    });
  }
  return { client, stats };
}
