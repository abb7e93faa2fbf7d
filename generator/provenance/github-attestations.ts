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

/** A file with no attestation is asked again while younger than this: a workflow may attest right after uploading. */
const RECHECK_YOUNGER_THAN_MS = 24 * 3600 * 1000;
/** More attestations than this for one file's bytes is not a build: the rest are not read. */
const MAX_PAGES = 5;
/** A bundle is a few kilobytes; more than this from blob storage is not one. */
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

/** What one file's question got, as the cache keeps it. */
interface StoredAnswer {
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
  /** Set when the token cannot read attestations at all: said once, not asked again this run. */
  private refused: string | undefined;

  constructor(
    private readonly client: GitHubClient,
    private readonly downloader: AssetDownloader,
    private readonly cache: CacheStore,
    private readonly scope: string,
    private readonly warnings: Warnings,
    private readonly now: () => number = Date.now,
  ) {}

  /** The file's provenance, or undefined when it has none the index can serve. */
  async provenanceOf(file: AttestationFile): Promise<ProvenanceFile | undefined> {
    const key = `${this.scope} attestations ${file.repo.fullName} ${file.sha256}`;
    const cached = await this.cache.get<StoredAnswer>("attestations", key);
    const young = this.now() - Date.parse(file.uploadedAt) < RECHECK_YOUNGER_THAN_MS;
    if (cached && (cached.provenance !== undefined || !young)) {
      this.stats.cached++;
      return this.use(cached, file);
    }
    if (this.refused !== undefined) return undefined;
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
    for (let page = 0; url !== undefined && page < MAX_PAGES; page++) {
      let response: { data: unknown; headers: { link?: string } };
      try {
        this.stats.listings++;
        response =
          page === 0
            ? await this.client.request(url, { owner: file.repo.owner, repo: file.repo.name, subject_digest: `sha256:${file.sha256}`, per_page: 100 })
            : await this.client.request(`GET ${url}`);
      } catch (e) {
        if (e instanceof RequestError && e.status === 404) break; // none for these bytes
        if (e instanceof RequestError && (e.status === 401 || e.status === 403)) {
          this.refused = `HTTP ${e.status}`;
          this.warnings.add(
            "attestations-unavailable",
            `GitHub refused to list attestations (HTTP ${e.status}) for ${file.repo.fullName}: the token needs read access to attestations (a fine-grained token: "Attestations: read"); no file gets provenance this run`,
          );
          return undefined;
        }
        return this.unavailable(file, e instanceof RequestError ? `HTTP ${e.status}` : (e as Error).message);
      }
      const parsed = answerSchema.safeParse(response.data);
      if (!parsed.success) return this.unavailable(file, `the answer is ${describeBody(response.data)}, not GitHub's list of attestations: ${firstIssue(parsed.error)}`);
      entries.push(...parsed.data.attestations);
      url = nextLink(response.headers.link);
    }

    const answer: StoredAnswer = { notes: [], privateSigstore: false };
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
    this.stats.bundles++;
    const response = await this.downloader.get({ url, headers: {} }, `an attestation bundle of ${file.what}`);
    const length = Number(response.headers.get("content-length") ?? "0");
    if (length > MAX_BUNDLE_BYTES) {
      await response.body?.cancel();
      throw new Error(`${length} bytes, more than a bundle`);
    }
    const body = await this.downloader.bytes(response);
    if (body.length > MAX_BUNDLE_BYTES) throw new Error(`${body.length} bytes, more than a bundle`);
    const text = body[0] === 0x7b ? body : Buffer.from(snappy.uncompress(body, MAX_BUNDLE_BYTES));
    return JSON.parse(text.toString("utf8")) as unknown;
  }
}

/** The `rel="next"` URL of a Link header (GitHub's cursor pagination), if any. */
function nextLink(link: string | undefined): string | undefined {
  const match = link === undefined ? null : /<([^>]+)>;\s*rel="next"/.exec(link);
  return match?.[1];
}
