/**
 * What the gate's refusals look like, the same from `serve` and from the edge: a short plain-text
 * body that says what to do, `no-store` so no cache keeps a refusal, and for 404 exactly the
 * router's own "Not Found", so a project someone may not read looks like one that does not exist.
 */
import type { GateVerdict } from "./gate.js";

export interface GateRefusal {
  status: 401 | 404 | 429 | 503;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/** A refusal that asks the client to come back after `seconds`. */
function retryLater(status: 429 | 503, seconds: number, body: string): GateRefusal {
  return { status, headers: { "retry-after": String(seconds), "cache-control": "no-store" }, body };
}

/** The refusal for a verdict, or undefined when the request may go on. */
export function refusalFor(verdict: GateVerdict, realm: string): GateRefusal | undefined {
  switch (verdict.kind) {
    case "allow":
      return undefined;
    case "unauthorised":
      return {
        status: 401,
        headers: { "www-authenticate": `Basic realm="${realm.replace(/["\\]/g, "")}", charset="UTF-8"`, "cache-control": "no-store" },
        body:
          `Unauthorized: ${verdict.why}.\n` +
          "Send a GitHub token as the password (the user name is ignored), e.g.\n" +
          "  pip install --index-url https://token:$(gh auth token)@HOST/simple/ PROJECT\n" +
          "or a line `machine HOST login token password TOKEN` in ~/.netrc.",
      };
    case "hidden":
      return { status: 404, headers: { "cache-control": "no-store" }, body: "Not Found" };
    case "throttled":
      return retryLater(429, verdict.retryAfterSeconds, "Too Many Requests: too many different tokens from this address; try again shortly.");
    case "unavailable":
      // Generic on purpose: the reason can name a private repository, so it goes to the log only.
      return retryLater(503, verdict.retryAfterSeconds, "Service Unavailable: GitHub could not confirm your access; try again shortly.");
  }
}

/** One log line's worth about a verdict: who and why, never the token. */
export function describeVerdict(verdict: GateVerdict): string {
  switch (verdict.kind) {
    case "allow":
      return verdict.who;
    case "unauthorised":
      return `(${verdict.why})`;
    case "hidden":
      return `${verdict.who} (${verdict.why})`;
    case "unavailable":
      return `(GitHub: ${verdict.why})`;
    case "throttled":
      return `(${verdict.why})`;
  }
}

/**
 * A list page rendered for one person: no cache at all may keep it (a shared one would hand it to
 * the next person, a private one would outlive a revoked grant).
 */
export const LIST_PAGE_CACHE_CONTROL = "private, no-store";

/** Behind the gate a page is one person's: caches shared between people must not keep it. */
export function privateCacheControl(cacheControl: string): string {
  return cacheControl.replace(/^public\b/, "private");
}

/**
 * Sent with every page behind the gate, on top of the catalog's own policy (a browser enforces
 * both): images only from the index itself, so a README cannot plant a tracking pixel that tells
 * a third party who read which private project, and when.
 */
export const PRIVATE_CONTENT_SECURITY_POLICY = "img-src 'self' data:";
