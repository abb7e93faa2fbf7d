/**
 * PEP 740 provenance under attack: a hostile GitHub API (pagination, refusals), a hostile blob
 * host (bombs, oversized bodies), a hostile package author (statements that bend the subject
 * rules) and a confused operator (a lost cache, another token). Each test says what the index
 * must do; the reader runs against a small local server standing for GitHub, with the real
 * Sigstore bundle of pypi_attestations-0.0.19.tar.gz where an attestation must verify.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import snappy from "snappyjs";
import { Warnings } from "../generator/diagnostics/warnings.js";
import { createGitHubClient } from "../generator/github/api-client.js";
import { AssetDownloader } from "../generator/github/asset-download.js";
import { CacheStore } from "../generator/github/cache-store.js";
import type { SelectedRepository } from "../generator/github/repositories.js";
import { checkBundle, type BundleVerdict } from "../generator/provenance/bundle-check.js";
import { AttestationReader, type AttestationFile } from "../generator/provenance/github-attestations.js";
import { provenanceFile } from "../generator/provenance/pep740.js";
import { parseFilename } from "../generator/names/filename.js";
import type { DistributionFile } from "../generator/model/distribution.js";
import { renderProjectJson } from "../generator/render/simple-json.js";
import { attestedDist } from "./helpers/attested-dist.js";
import { forgeBundle, REAL_SHA256, realBundleJson, statementAbout } from "./helpers/forged-bundle.js";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { tempDir } from "./helpers/paths.js";
import { buildTo } from "./helpers/site.js";

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

/** The real sdist's question, asked of `fullName`, uploaded long ago unless `uploadedAt` says otherwise. */
function sdist(fullName = "trailofbits/pypi-attestations", sha256 = REAL_SHA256, uploadedAt = "2024-01-01T00:00:00Z"): AttestationFile {
  return { repo: repo(fullName), filename: SDIST, sha256, uploadedAt, what: `${fullName} release v0.0.19 asset ${SDIST}` };
}

/** A reader as the GitHub source makes it, against `api`, with its own cache unless one is given. */
function reader(api: string, options: { cacheDir?: string; token?: string; now?: () => number } = {}) {
  const cacheDir = options.cacheDir ?? tempDir("attack-cache");
  const token = options.token ?? TOKEN;
  const cache = new CacheStore(cacheDir);
  const { client } = createGitHubClient({ baseUrl: api, token, cache, maxRateLimitWaitSeconds: 1, retryBaseMs: 1, notice: () => {} });
  const downloader = new AssetDownloader(client, { token, retries: 1, retryBaseMs: 1, timeoutMs: 30_000 });
  const warnings = new Warnings();
  return { reader: new AttestationReader(client, downloader, cache, api, warnings, { apiUrl: api, token, ...(options.now ? { now: options.now } : {}) }), warnings, downloader, cacheDir };
}

const attestationsIn = (bytes: Uint8Array): number =>
  (JSON.parse(Buffer.from(bytes).toString("utf8")) as { attestation_bundles: { attestations: unknown[] }[] }).attestation_bundles.reduce((n, b) => n + b.attestations.length, 0);

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
    assert.deepEqual(
      warnings.items.map((w) => w.code),
      ["attestations-unavailable"],
    );
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

describe("attacks that once succeeded", () => {
  test("a Link header naming another host does not receive the token", async () => {
    const elsewhere = await host((_req, res) => json(res, 200, { attestations: [] }));
    const api = await host((_req, res) => json(res, 200, { attestations: [] }, { link: `<${elsewhere.url}/collect?page=2>; rel="next"` }));
    const { reader: r } = reader(api.url);
    await r.provenanceOf(sdist());
    assert.deepEqual(
      elsewhere.seen.map((s) => s.authorization),
      elsewhere.seen.map(() => undefined),
      "the token went to another host",
    );
  });

  test("a gzip-encoded blob is not inflated past the bundle limit (200 KB on the wire, 200 MB inflated)", async () => {
    const { gzipSync } = await import("node:zlib");
    const inflated = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20));
    const blob = await host((_req, res) => {
      res.writeHead(200, { "content-encoding": "gzip", "content-length": String(inflated.length) });
      res.end(inflated);
    });
    const api = await host((_req, res) => json(res, 200, { attestations: [{ bundle: null, bundle_url: `${blob.url}/b.json.sn` }] }));
    const { reader: r, downloader } = reader(api.url);
    assert.equal(await r.provenanceOf(sdist()), undefined);
    assert.ok(downloader.stats.bytes <= 8 * 1024 * 1024, `${downloader.stats.bytes} bytes read into memory for one bundle`);
  });

  test("a 50 MB blob without content-length is cut off at the bundle limit", async () => {
    const blob = await host((_req, res) => {
      res.writeHead(200, {});
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 50) {
          sent++;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    const api = await host((_req, res) => json(res, 200, { attestations: [{ bundle: null, bundle_url: `${blob.url}/b.json.sn` }] }));
    const { reader: r, downloader } = reader(api.url);
    assert.equal(await r.provenanceOf(sdist()), undefined);
    assert.ok(downloader.stats.bytes <= 8 * 1024 * 1024, `${downloader.stats.bytes} bytes read into memory for one bundle`);
  });

  test("the same attestation listed twice is served once", async () => {
    const api = await host((_req, res) => json(res, 200, { attestations: [{ bundle: realBundleJson() }, { bundle: realBundleJson() }] }));
    const { reader: r } = reader(api.url);
    const provenance = await r.provenanceOf(sdist());
    assert.ok(provenance);
    assert.equal(attestationsIn(provenance.bytes), 1);
  });

  test("a Link rel=next back to the page just read is not followed: the listing is not trusted, the file gets no provenance this run", async () => {
    const api = await host((req, res, base) => json(res, 200, { attestations: [{ bundle: realBundleJson() }] }, { link: `<${base}${req.url}>; rel="next"` }));
    const { reader: r, warnings } = reader(api.url);
    assert.equal(await r.provenanceOf(sdist()), undefined);
    assert.equal(api.seen.length, 1, "the page is not asked for twice");
    assert.match(warnings.items.map((w) => `${w.code} ${w.message}`).join("\n"), /attestations-unavailable .*one already read/);
  });

  test("a 403 from one organisation (SAML enforcement) does not stop provenance for every other repository", async () => {
    const api = await host((req, res) => {
      if (req.url?.startsWith("/repos/sso-org/"))
        return json(res, 403, { message: "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization." });
      json(res, 200, { attestations: [{ bundle: realBundleJson() }] });
    });
    const { reader: r } = reader(api.url);
    await r.provenanceOf(sdist("sso-org/other", "b".repeat(64)));
    const provenance = await r.provenanceOf(sdist());
    assert.ok(provenance, "trailofbits/pypi-attestations was never asked");
  });

  test("a rate limit that outlasts --max-rate-limit-wait is not reported as a token without Attestations: read", async () => {
    const api = await host((_req, res) =>
      json(
        res,
        403,
        { message: "API rate limit exceeded for installation ID 1." },
        { "x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600) },
      ),
    );
    const { reader: r, warnings } = reader(api.url);
    await r.provenanceOf(sdist());
    assert.equal(warnings.items.length, 1);
    assert.doesNotMatch(warnings.items[0]?.message ?? "", /Attestations: read/);
  });

  test("an answer cached for one token is not replayed for another (the HTTP cache keys by token; this cache does not)", async () => {
    const api = await host((req, res) => (req.headers.authorization?.includes("TOKENB") ? json(res, 200, { attestations: [{ bundle: realBundleJson() }] }) : json(res, 404, { message: "Not Found" })));
    const first = reader(api.url, { token: "ghp_TOKENA" });
    assert.equal(await first.reader.provenanceOf(sdist()), undefined);
    const second = reader(api.url, { token: "ghp_TOKENB", cacheDir: first.cacheDir });
    assert.ok(await second.reader.provenanceOf(sdist()), "the second token was never asked");
  });

  test("a file attested a little more than a day after its upload gets provenance some day", async () => {
    let attested = false;
    const api = await host((_req, res) => (attested ? json(res, 200, { attestations: [{ bundle: realBundleJson() }] }) : json(res, 404, { message: "Not Found" })));
    const uploaded = Date.parse("2024-01-01T00:00:00Z");
    const first = reader(api.url, { now: () => uploaded + 24 * 3600_000 - 60_000 });
    assert.equal(await first.reader.provenanceOf(sdist()), undefined);
    attested = true;
    // A week later, still nothing is asked.
    const later = reader(api.url, { cacheDir: first.cacheDir, now: () => uploaded + 8 * 24 * 3600_000 });
    assert.ok(await later.reader.provenanceOf(sdist()), "never asked again");
  });
});

const verdictOf = (v: BundleVerdict): string => ("problem" in v ? v.problem : "ignored" in v ? "ignored" : "kept");

describe("a hostile package author, against the subject rules consumers apply (pypi-attestations 0.0.30 Attestation.verify)", () => {
  const forged = (subjectName: string, sha256: string) =>
    forgeBundle({ repository: "trailofbits/pypi-attestations", workflow: ".github/workflows/release.yml" }, statementAbout([{ name: subjectName, sha256 }]));

  test("a subject digest in upper case is a mismatch, since consumers compare the hex exactly", async () => {
    // Forged, so it can never be kept; a verdict past the subject check (unverified) shows the subject was accepted.
    const verdict = checkBundle(await forged(SDIST, REAL_SHA256.toUpperCase()), SDIST, REAL_SHA256);
    assert.equal(verdictOf(verdict), "mismatch");
  });

  test("a subject naming the file in another but equivalent spelling is not a mismatch (the spec: match by parsing)", async () => {
    const verdict = checkBundle(await forged("PyPI_Attestations-0.0.19.tar.gz", REAL_SHA256), SDIST, REAL_SHA256);
    assert.notEqual(verdictOf(verdict), "mismatch");
  });
});

describe("the JSON page", () => {
  test("a page that declares api-version 1.0 (a file without size) does not carry 1.3's provenance", () => {
    const parsed = (name: string) => {
      const r = parseFilename(name);
      if (!r.ok) throw new Error(r.reason);
      return r.value;
    };
    const attested: DistributionFile = {
      filename: SDIST,
      parsed: parsed(SDIST),
      location: { kind: "url", url: `https://github.com/x/y/releases/download/v1/${SDIST}` },
      hashes: { sha256: REAL_SHA256 },
      size: 1,
      origin: "github",
      provenance: provenanceFile([]),
    };
    const unsized: DistributionFile = {
      filename: "pypi_attestations-0.0.18.tar.gz",
      parsed: parsed("pypi_attestations-0.0.18.tar.gz"),
      location: { kind: "url", url: "https://example.com/a.tar.gz" },
      hashes: {},
      origin: "list",
    };
    const page = JSON.parse(renderProjectJson({ name: "pypi-attestations", displayName: "pypi-attestations", versions: ["0.0.18", "0.0.19"], files: [unsized, attested] })) as {
      meta: { "api-version": string };
      files: { provenance?: string }[];
    };
    const carries = page.files.some((f) => f.provenance !== undefined);
    assert.ok(!carries || Number(page.meta["api-version"].split(".")[1]) >= 3, `api-version ${page.meta["api-version"]} with provenance`);
  });
});

describe("a confused operator", () => {
  test("a lost cache does not fail the build when GitHub now lists the published attestation twice", async () => {
    const sdistPath = await attestedDist();
    const emu = await GitHubEmulator.start({ token: TOKEN });
    try {
      const attestations = [{ bundle: realBundleJson() }];
      emu.setOrg("trailofbits", [
        { name: "pypi-attestations", releases: [{ tag: "v0.0.19", assets: [{ name: SDIST, bytes: readFileSync(sdistPath) }] }], attestations: { [`sha256:${REAL_SHA256}`]: attestations } },
      ]);
      const site = join(tempDir("attack-site"), "site");
      const options = (cacheDir: string) => ({
        apiUrl: emu.apiUrl,
        token: TOKEN,
        org: "trailofbits",
        repositories: [],
        topics: [],
        includePrivate: false,
        includeArchived: false,
        tags: false,
        files: "link" as const,
        cacheDir,
        maxRateLimitWaitSeconds: 5,
        retryBaseMs: 1,
      });
      await buildTo(site, { github: options(tempDir("attack-cache-1")) });
      const published = readFileSync(join(site, "files/pypi-attestations", `${SDIST}.provenance`));
      attestations.push({ bundle: realBundleJson() });
      // The CI cache was evicted: a cold run against a site that already serves the provenance.
      await buildTo(site, { github: options(tempDir("attack-cache-2")) });
      assert.deepEqual(readFileSync(join(site, "files/pypi-attestations", `${SDIST}.provenance`)), published);
    } finally {
      await emu.close();
    }
  });
});
