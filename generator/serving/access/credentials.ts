/**
 * The GitHub token in a request's Authorization header.
 *
 * pip, uv and poetry send HTTP Basic (`user:password`, from the URL, .netrc or a keyring); the
 * password is the person's GitHub token and the user name is ignored (identity comes from
 * GitHub). Scripts may also send `Bearer TOKEN` or `token TOKEN`, as GitHub's own API accepts.
 * Nothing here calls GitHub: a header that cannot hold a GitHub token is refused for free.
 */

/** GitHub tokens are 40 (classic, OAuth, app) to 93 (`github_pat_`) characters; leave room for longer formats. */
export const MAX_TOKEN_LENGTH = 512;

export type CredentialsProblem = "missing" | "malformed" | "empty-token" | "too-long" | "not-ascii";

export type Credentials = { ok: true; token: string } | { ok: false; problem: CredentialsProblem };

/** Why a request was refused, in words for the 401 body and the log (never the token). */
export const CREDENTIALS_PROBLEMS: Record<CredentialsProblem, string> = {
  missing: "no credentials were sent",
  malformed: "the Authorization header is not Basic, Bearer or token credentials",
  "empty-token": "the password (your GitHub token) is empty",
  "too-long": `the token is longer than ${MAX_TOKEN_LENGTH} characters`,
  "not-ascii": "the token holds characters no GitHub token has",
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Visible ASCII: what a GitHub token can hold, and what an HTTP header to GitHub can carry. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

function checked(token: string): Credentials {
  if (token === "") return { ok: false, problem: "empty-token" };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, problem: "too-long" };
  if (!TOKEN_CHARS.test(token)) return { ok: false, problem: "not-ascii" };
  return { ok: true, token };
}

/**
 * The token from an Authorization header value. For Basic, the password is everything after the
 * first colon (so a password may itself hold colons); when the password is empty the user name
 * is taken instead, as GitHub's git server does for `https://TOKEN@github.com`.
 */
export function parseAuthorization(header: string | undefined): Credentials {
  if (header === undefined || header.trim() === "") return { ok: false, problem: "missing" };
  const m = /^\s*([A-Za-z]+)[ \t]+(\S+)\s*$/.exec(header);
  if (!m) return { ok: false, problem: "malformed" };
  const scheme = (m[1] as string).toLowerCase();
  const value = m[2] as string;
  if (scheme === "bearer" || scheme === "token") return checked(value);
  if (scheme !== "basic") return { ok: false, problem: "malformed" };
  // Some clients leave out the padding; Buffer accepts either, but refuse anything not base64.
  if (!BASE64.test(value) || value.replace(/=+$/, "").length % 4 === 1) return { ok: false, problem: "malformed" };
  const bytes = Buffer.from(value, "base64");
  const decoded = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  const colon = decoded.indexOf(":");
  if (colon < 0) return { ok: false, problem: "malformed" };
  const password = decoded.slice(colon + 1);
  return checked(password !== "" ? password : decoded.slice(0, colon));
}

/**
 * Whether a token has one of the shapes GitHub documents, so junk is refused without a GitHub
 * call: `ghp_` (classic personal), `github_pat_` (fine-grained), `gho_` (OAuth), `ghu_` (a GitHub
 * App acting for a user), `ghs_` (an App installation, and Actions' GITHUB_TOKEN), each followed
 * by at least 30 letters, digits or underscores, 255 characters in all at most (GitHub's stated
 * ceiling); and the 40 hexadecimal digits of tokens made before those prefixes (2021), which
 * GitHub Enterprise Server and old non-expiring tokens still use. `ghr_` refresh tokens cannot
 * call the API and are refused.
 */
export function looksLikeGitHubToken(token: string): boolean {
  return token.length <= 255 && (/^(?:gh[posu]_|github_pat_)[A-Za-z0-9_]{30,}$/.test(token) || /^[0-9a-f]{40}$/.test(token));
}
