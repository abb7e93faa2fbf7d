import { Readable } from "node:stream";
import { UserError } from "../diagnostics/warnings.js";
import type { GitHubClient } from "./api-client.js";
import { failure } from "./errors.js";
import type { SelectedRepository } from "./repositories.js";

/** Bytes and requests that went to the file host (signed URLs), not the API. */
export class DownloadStats {
  requests = 0;
  /** Bytes actually received. */
  bytes = 0;
  /** Size of files whose metadata was read without downloading them whole, minus what was read. */
  bytesSaved = 0;
  fullDownloads = 0;
}

/** Bytes received for one file, while other downloads run at the same time. */
export interface Tally {
  bytes: number;
}

/** Where an asset's bytes are, and the headers to send there. */
export interface AssetLocation {
  url: string;
  headers: Record<string, string>;
}

export interface DownloaderOptions {
  /** Sent only to the API host, never to a signed URL. */
  token?: string;
  retries: number;
  retryBaseMs: number;
  timeoutMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Downloads release assets the way GitHub documents: ask the API (with the token) where the bytes
 * are, then fetch the signed URL it redirects to WITHOUT the token, so credentials never reach
 * the storage host. Range requests read a wheel's metadata without the rest of the file.
 */
export class AssetDownloader {
  readonly stats = new DownloadStats();

  constructor(
    private readonly client: GitHubClient,
    private readonly options: DownloaderOptions,
  ) {}

  async locate(repo: SelectedRepository, assetId: number, assetName: string): Promise<AssetLocation> {
    try {
      const response = await this.client.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
        owner: repo.owner,
        repo: repo.name,
        asset_id: assetId,
        headers: { accept: "application/octet-stream" },
        request: { redirect: "manual", parseSuccessResponseBody: false },
      });
      const status = response.status as number;
      const location = (response.headers as Record<string, string | undefined>).location;
      if (status >= 300 && status < 400 && location) {
        return { url: new URL(location, response.url).toString(), headers: {} };
      }
      // Some servers answer with the bytes themselves: fetch them from the API host, with the token.
      await cancelBody(response.data);
      const headers: Record<string, string> = { accept: "application/octet-stream" };
      if (this.options.token) headers.authorization = `token ${this.options.token}`;
      return { url: response.url, headers };
    } catch (e) {
      throw failure(e, `locating asset ${assetName} of ${repo.fullName}`);
    }
  }

  /**
   * GET with retries on 5xx and network errors. `range` is an HTTP Range value; the caller checks
   * for 206, since a host may ignore it and send the whole file with 200.
   */
  async get(location: AssetLocation, what: string, range?: string): Promise<Response> {
    let attempt = 0;
    for (;;) {
      this.stats.requests++;
      let response: Response | undefined;
      let error: unknown;
      try {
        response = await fetch(location.url, {
          headers: range ? { ...location.headers, range } : location.headers,
          redirect: "follow",
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (e) {
        error = e;
      }
      if (response && (response.status < 500 || attempt >= this.options.retries)) {
        if (response.status >= 400) {
          await response.body?.cancel();
          throw new UserError(`GitHub: downloading ${what} failed with HTTP ${response.status}`);
        }
        return response;
      }
      if (!response && attempt >= this.options.retries) throw failure(error, `downloading ${what}`);
      await response?.body?.cancel();
      attempt++;
      await sleep(attempt * attempt * this.options.retryBaseMs);
    }
  }

  /** A Node stream over a response body that counts the bytes as they arrive. */
  countedBody(response: Response, tally?: Tally): Readable {
    if (!response.body) return Readable.from([]);
    const stream = Readable.fromWeb(response.body);
    stream.on("data", (chunk: Buffer) => {
      this.stats.bytes += chunk.length;
      if (tally) tally.bytes += chunk.length;
    });
    return stream;
  }

  /** The whole body in memory (for small files: `.metadata` assets, range slices). */
  async bytes(response: Response, tally?: Tally): Promise<Buffer> {
    const buf = Buffer.from(await response.arrayBuffer());
    this.stats.bytes += buf.length;
    if (tally) tally.bytes += buf.length;
    return buf;
  }
}

async function cancelBody(body: unknown): Promise<void> {
  if (body && typeof (body as ReadableStream).cancel === "function") await (body as ReadableStream).cancel();
}
