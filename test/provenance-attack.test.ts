/**
 * PEP 740 provenance under attack, as a hostile GitHub API and a hostile blob host would try it:
 * what the attestation reader already withstands. The reader runs as the GitHub source makes it,
 * against a small local server standing for GitHub, with the real Sigstore bundle of
 * pypi_attestations-0.0.19.tar.gz where an attestation must verify.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { after, describe, test } from "node:test";
import snappy from "snappyjs";
import { Warnings } from "../generator/diagnostics/warnings.js";
import { createGitHubClient } from "../generator/github/api-client.js";
import { AssetDownloader } from "../generator/github/asset-download.js";
import { CacheStore } from "../generator/github/cache-store.js";
import type { SelectedRepository } from "../generator/github/repositories.js";
import { AttestationReader, type AttestationFile } from "../generator/provenance/github-attestations.js";
import { REAL_SHA256, realBundleJson } from "./helpers/forged-bundle.js";
import { tempDir } from "./helpers/paths.js";

const TOKEN = `ghp_${"s3".repeat(18)}`;
const SDIST = "pypi_attestations-0.0.19.tar.gz";

interface Seen {
  url: string;
  authorization?: string;
}
interface Host {
  url: string;
  seen: Seen[];
  close: () => Promise<void>;
}
type Handler = (req: IncomingMessage, res: ServerResponse, base: string) => void;
const hosts: Host[] = [];
after(async () => {
  await Promise.all(hosts.map((h) => h.close()));
});

async function host(handle: Handler): Promise<Host> {
  const seen: Seen[] = [];
  let base = "";
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    handle(req, res, base);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const h: Host = { url: base, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
  hosts.push(h);
  return h;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

const repo = (fullName: string): SelectedRepository => {
  const [owner = "", name = ""] = fullName.split("/");
  return { owner, name, fullName, private: false, cloneUrl: "", htmlUrl: `https://github.com/${fullName}`, archived: false };
};

/** The real sdist's question, uploaded long ago. */
function sdist(): AttestationFile {
  const fullName = "trailofbits/pypi-attestations";
  return { repo: repo(fullName), filename: SDIST, sha256: REAL_SHA256, uploadedAt: "2024-01-01T00:00:00Z", what: `${fullName} release v0.0.19 asset ${SDIST}` };
}

/** A reader as the GitHub source makes it, against `api`, with a cache of its own. */
function reader(api: string) {
  const cache = new CacheStore(tempDir("attack-cache"));
  const { client } = createGitHubClient({ baseUrl: api, token: TOKEN, cache, maxRateLimitWaitSeconds: 1, retryBaseMs: 1, notice: () => {} });
  const downloader = new AssetDownloader(client, { token: TOKEN, retries: 1, retryBaseMs: 1, timeoutMs: 30_000 });
  const warnings = new Warnings();
  return { reader: new AttestationReader(client, downloader, cache, api, warnings), warnings };
}

describe("regression guards: what already holds", () => {
  test("a bundle_url on the API host itself is fetched without the token", async () => {
    const api = await host((req, res, base) => {
      if (req.url?.startsWith("/blob")) {
        res.writeHead(200, { "content-type": "application/x-snappy" });
        res.end(Buffer.from(snappy.compress(Buffer.from(JSON.stringify(realBundleJson())))));
        return;
      }
      json(res, 200, { attestations: [{ bundle: null, bundle_url: `${base}/blob/1.json.sn` }] });
    });
    const { reader: r } = reader(api.url);
    const provenance = await r.provenanceOf(sdist());
    assert.ok(provenance, "the real bundle is kept");
    const blob = api.seen.filter((s) => s.url.startsWith("/blob"));
    assert.equal(blob.length, 1);
    assert.equal(blob[0]?.authorization, undefined);
  });

  test("a snappy blob declaring a gigabyte is refused before anything that size is allocated", async () => {
    // A varint of 2^30 and nothing else: the decompressor reads the declared length first.
    const bomb = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04]);
    const blob = await host((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-snappy" });
      res.end(bomb);
    });
    const api = await host((_req, res) => json(res, 200, { attestations: [{ bundle: null, bundle_url: `${blob.url}/b.json.sn` }] }));
    const { reader: r, warnings } = reader(api.url);
    const before = process.memoryUsage().arrayBuffers;
    assert.equal(await r.provenanceOf(sdist()), undefined);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
    assert.deepEqual(warnings.items.map((w) => w.code), ["attestations-unavailable"]);
    assert.match(warnings.items[0]?.message ?? "", /too big/);
  });

  test("a listing nested a million levels deep is a named warning, not a crash", async () => {
    const depth = 1_000_000;
    const body = `{"attestations":[{"bundle":${"[".repeat(depth)}${"]".repeat(depth)}}]}`;
    const api = await host((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", etag: '"deep"' });
      res.end(body);
    });
    const { reader: r, warnings } = reader(api.url);
    assert.equal(await r.provenanceOf(sdist()), undefined);
    assert.equal(warnings.items.length, 1);
    assert.match(warnings.items[0]?.code ?? "", /^attestation/);
  });

  test("an endless Link chain is read a bounded number of times", async () => {
    const api = await host((req, res, base) => json(res, 200, { attestations: [] }, { link: `<${base}${req.url}&again=${api.seen.length}>; rel="next"` }));
    const { reader: r } = reader(api.url);
    assert.equal(await r.provenanceOf(sdist()), undefined);
    assert.ok(api.seen.length < 100, `${api.seen.length} pages read`);
  });
});

