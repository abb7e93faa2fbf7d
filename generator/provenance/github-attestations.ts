/**
 * Provenance for GitHub release assets: GitHub's attestation store, asked once per file.
 *
 * `GET /repos/{owner}/{repo}/attestations/sha256:{hex}` lists the Sigstore bundles GitHub holds
 * for those bytes (404: none). Since July 2026 GitHub no longer embeds them: an entry names a
 * pre-signed `bundle_url` on blob storage serving the bundle snappy-compressed, fetched like an
 * asset's signed URL, without the token. Each bundle is checked (bundle-check.ts); the kept ones
 * become the file's PEP 740 provenance.
 *
 * An answer is kept in the cache under the repository and digest and never asked again: a warm
 * run makes no call for a file it has asked about. The one exception is a file with no
 * attestation uploaded in the last day, since a workflow may attest just after it uploads.
 * GitHub failing (after retries) or answering something malformed leaves that file without
 * provenance for this run, with a named warning, and is asked again next run.
 */
import { createHash } from "node:crypto";
import type { ReadableStream } from "node:stream/web";
import { RequestError } from "@octokit/request-error";
import { z } from "zod";
import snappy from "snappyjs";
import type { WarningCode, Warnings } from "../diagnostics/warnings.js";
import type { GitHubClient } from "../github/api-client.js";
import type { AssetDownloader } from "../github/asset-download.js";
import type { CacheStore } from "../github/cache-store.js";
import type { SelectedRepository } from "../github/repositories.js";
import { describeBody, firstIssue } from "../github/schemas.js";
import type { BuildIdentity, ProvenanceFile } from "../model/distribution.js";
import { checkBundle, type BundleProblemKind } from "./bundle-check.js";
import { provenanceFile, type KeptAttestation } from "./pep740.js";

const answerSchema = z.object({
  attestations: z.array(
    z.object({
      bundle: z.unknown().optional(),
      bundle_url: z.string().nullish(),
      repository_id: z.number().optional(),
    }),
  ),
});

/** A file with no attestation is asked again on every run while younger than this: a workflow may attest just after uploading. */
const RECHECK_YOUNGER_THAN_MS = 24 * 3600 * 1000;
/** After that, a file with none is asked again this long after it was last asked (an attestation made late, by hand). */
const RECHECK_NONE_AFTER_MS = 7 * 24 * 3600 * 1000;
/** More attestations than this for one file's bytes is not a build: the rest are not read. */
const MAX_PAGES = 5;
/** A bundle is a few kilobytes; more than this from blob storage is not one. */
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

/** What one file's question got, as the cache keeps it. */
interface StoredAnswer {
  /** When GitHub was asked (ms since the epoch). */
  askedAt: number;
  /** The provenance object's bytes, base64: the exact bytes served, kept so they never change. */
  provenance?: string;
  builtBy?: BuildIdentity[];
  /** Per-bundle findings, replayed on warm runs. */
  notes: { kind: Exclude<BundleProblemKind, "private-sigstore">; reason: string }[];
  privateSigstore: boolean;
}

const CODES: Record<Exclude<BundleProblemKind, "private-sigstore">, WarningCode> = {
  mismatch: "attestation-mismatch",
  unsupported: "attestation-unsupported",
  unlogged: "attestation-unlogged",
  malformed: "attestation-malformed",
  unverified: "attestation-unverified",
};

export interface AttestationFile {
  repo: SelectedRepository;
  /** The release asset's name: the file name the statement must name. */
  filename: string;
  sha256: string;
  /** When the asset was uploaded (ISO). */
  uploadedAt: string;
  /** For messages: `acme/tools release v1 asset x.whl`. */
  what: string;
}

/** GitHub calls made for attestations, by kind, for the build report. */
export interface AttestationStats {
  /** Files answered from the cache without a call. */
  cached: number;
  /** Attestation listings asked of the API (pages). */
  listings: number;
  /** Bundles fetched from blob storage. */
  bundles: number;
  /** Files given provenance. */
  attested: number;
}

export class AttestationReader {
  readonly stats: AttestationStats = { cached: 0, listings: 0, bundles: 0, attested: 0 };
  private privateSeen = false;
  /** Owners whose attestations the token may not read (401, 403 but a rate limit): said once each, not asked again this run. */
  private readonly refused = new Set<string>();
  /** Answers differ by who asks (private repositories), as in the HTTP cache. */
  private readonly who: string;
  private readonly now: () => number;
  /** Blob storage is https; plain http only when the API itself is (a local stand-in). */
  private readonly plainHttpAllowed: boolean;

  constructor(
    private readonly client: GitHubClient,
    private readonly downloader: AssetDownloader,
    private readonly cache: CacheStore,
    private readonly scope: string,
    private readonly warnings: Warnings,
    options: { token?: string; apiUrl: string; now?: () => number },
  ) {
    this.who = options.token ? createHash("sha256").update(options.token).digest("hex").slice(0, 16) : "anonymous";
    this.now = options.now ?? Date.now;
    this.plainHttpAllowed = new URL(options.apiUrl).protocol === "http:";
  }

  /** The file's provenance, or undefined when it has none the index can serve. */
  async provenanceOf(file: AttestationFile): Promise<ProvenanceFile | undefined> {
    const key = `${this.scope} ${this.who} attestations ${file.repo.fullName} ${file.sha256}`;
    const cached = await this.cache.get<StoredAnswer>("attestations", key);
    const now = this.now();
    const young = now - Date.parse(file.uploadedAt) < RECHECK_YOUNGER_THAN_MS;
    // Provenance once found is kept (its bytes never change); "none" is asked again while young, then weekly.
    if (cached && (cached.provenance !== undefined || (!young && now - cached.askedAt < RECHECK_NONE_AFTER_MS))) {
      this.stats.cached++;
      return this.use(cached, file);
    }
    if (this.refused.has(file.repo.owner.toLowerCase())) return undefined;
    const answer = await this.ask(file);
    if (answer === undefined) return undefined;
    await this.cache.put("attestations", key, answer);
    return this.use(answer, file);
  }

  private use(answer: StoredAnswer, file: AttestationFile): ProvenanceFile | undefined {
    for (const n of answer.notes) this.warnings.add(CODES[n.kind], `${file.what}: an attestation was left out: ${n.reason}`, file.what);
    if (answer.privateSigstore && !this.privateSeen) {
      this.privateSeen = true;
      this.warnings.add(
        "attestations-private-sigstore",
        `${file.what} (and perhaps others): attested through GitHub's private Sigstore instance, as private repositories are; such attestations have no public transparency log entry and cannot be served as PEP 740 provenance today, so these files are indexed without it (gh attestation verify checks them)`,
      );
    }
    if (answer.provenance === undefined || answer.builtBy === undefined) return undefined;
    this.stats.attested++;
    return { bytes: new Uint8Array(Buffer.from(answer.provenance, "base64")), builtBy: answer.builtBy };
  }

  private unavailable(file: AttestationFile, why: string): undefined {
    this.warnings.add("attestations-unavailable", `${file.what}: GitHub's attestations could not be read (${why}); indexed without provenance this run, asked again next run`, file.what);
    return undefined;
  }

  /** One file's answer from GitHub, or undefined (with a warning) when it could not be had. */
  private async ask(file: AttestationFile): Promise<StoredAnswer | undefined> {
    const entries: z.infer<typeof answerSchema>["attestations"] = [];
    // The digest goes in as a parameter: written into the template, `:b53…` would read as a
    // legacy `:name` placeholder and be dropped, asking for `/attestations/sha256`.
    let url: string | undefined = "GET /repos/{owner}/{repo}/attestations/{subject_digest}";
    const seen = new Set<string>();
    const askedAt = this.now();
    for (let page = 0; url !== undefined; page++) {
      if (page === MAX_PAGES) return this.unavailable(file, `GitHub lists more than ${MAX_PAGES} pages of attestations for these bytes`);
      let response: { url: string; data: unknown; headers: { link?: string } };
      try {
        this.stats.listings++;
        // Not through the ETag cache: this reader keeps answers itself, and a replayed listing
        // would hand back pre-signed bundle URLs that have since expired.
        const uncached = { request: { uncached: true } };
        response =
          page === 0
            ? await this.client.request(url, { owner: file.repo.owner, repo: file.repo.name, subject_digest: `sha256:${file.sha256}`, per_page: 100, ...uncached })
            : await this.client.request(`GET ${url}`, uncached);
      } catch (e) {
        if (e instanceof RequestError && e.status === 404) break; // none for these bytes
        const rateLimited = e instanceof RequestError && e.response?.headers["x-ratelimit-remaining"] === "0";
        if (e instanceof RequestError && (e.status === 401 || e.status === 403) && !rateLimited) {
          this.refused.add(file.repo.owner.toLowerCase());
          const said = (e.response?.data as { message?: unknown } | undefined)?.message;
          this.warnings.add(
            "attestations-unavailable",
            `GitHub refused to list attestations of ${file.repo.fullName} (HTTP ${e.status}${typeof said === "string" ? `: ${said}` : ""}): the token needs read access to ${file.repo.owner}'s attestations (a fine-grained token: "Attestations: read"); no file of ${file.repo.owner} gets provenance this run`,
            file.repo.owner,
          );
          return undefined;
        }
        return this.unavailable(file, e instanceof RequestError ? `HTTP ${e.status}${rateLimited ? ", rate limited" : ""}` : (e as Error).message);
      }
      seen.add(response.url);
      const parsed = answerSchema.safeParse(response.data);
      if (!parsed.success) return this.unavailable(file, `the answer is ${describeBody(response.data)}, not GitHub's list of attestations: ${firstIssue(parsed.error)}`);
      entries.push(...parsed.data.attestations);
      url = nextLink(response.headers.link);
      // The next page must be another page of the same API: never one already read, never another host (the token goes with it).
      if (url !== undefined && (seen.has(url) || !URL.canParse(url) || new URL(url).origin !== new URL(response.url).origin)) {
        return this.unavailable(file, `the listing's next page ${url} is ${seen.has(url) ? "one already read" : "not on the API's host"}`);
      }
    }

    const answer: StoredAnswer = { askedAt, notes: [], privateSigstore: false };
    const kept: KeptAttestation[] = [];
    for (const entry of entries) {
      let bundle = entry.bundle;
      if (bundle === undefined || bundle === null) {
        if (!entry.bundle_url) {
          answer.notes.push({ kind: "malformed", reason: "GitHub listed it with neither a bundle nor a bundle_url" });
          continue;
        }
        try {
          bundle = await this.fetchBundle(entry.bundle_url, file);
        } catch (e) {
          return this.unavailable(file, `fetching a bundle: ${(e as Error).message}`);
        }
      }
      const verdict = checkBundle(bundle, file.filename, file.sha256);
      if ("kept" in verdict) kept.push(verdict.kept);
      else if ("ignored" in verdict) continue;
      else if (verdict.problem === "private-sigstore") answer.privateSigstore = true;
      else answer.notes.push({ kind: verdict.problem, reason: verdict.reason });
    }
    if (kept.length > 0) {
      const provenance = provenanceFile(kept);
      answer.provenance = Buffer.from(provenance.bytes).toString("base64");
      answer.builtBy = provenance.builtBy;
    }
    return answer;
  }

  /** A bundle from blob storage: snappy block format as GitHub serves it, or plain JSON. */
  private async fetchBundle(url: string, file: AttestationFile): Promise<unknown> {
    const target = URL.canParse(url) ? new URL(url) : undefined;
    if (!target || !(target.protocol === "https:" || (this.plainHttpAllowed && target.protocol === "http:"))) throw new Error(`the bundle_url ${url} is not an https URL`);
    this.stats.bundles++;
    const response = await this.downloader.get({ url, headers: { "accept-encoding": "identity" } }, `an attestation bundle of ${file.what}`);
    const body = await this.readCapped(response);
    const text = body[0] === 0x7b ? body : Buffer.from(snappy.uncompress(body, MAX_BUNDLE_BYTES));
    return JSON.parse(text.toString("utf8")) as unknown;
  }

  /** The body, read as it streams and given up on past MAX_BUNDLE_BYTES, whatever the headers say (or a content-encoding inflates to). */
  private async readCapped(response: Response): Promise<Buffer> {
    const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
    if (!reader) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      this.downloader.stats.bytes += value.length;
      if (total > MAX_BUNDLE_BYTES) {
        await reader.cancel();
        throw new Error(`more than ${MAX_BUNDLE_BYTES} bytes, not a bundle`);
      }
      chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks);
  }
}

/** The `rel="next"` URL of a Link header (GitHub's cursor pagination), if any. */
function nextLink(link: string | undefined): string | undefined {
  const match = link === undefined ? null : /<([^>]+)>;\s*rel="next"/.exec(link);
  return match?.[1];
}
