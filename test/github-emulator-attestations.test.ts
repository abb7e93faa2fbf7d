/**
 * The GitHub emulator's attestation store, asked through Octokit as the generator asks it:
 * `GET /repos/{owner}/{repo}/attestations/{subject_digest}` in both shapes GitHub has answered
 * (bundles inline, as the shared real record has them; a pre-signed snappy `bundle_url` since
 * July 2026), with GitHub's access rules, 404 for none, ETags, cursor pagination, the
 * `predicate_type` filter, answers set as is and faults on both hosts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Octokit } from "@octokit/rest";
import { RequestError } from "@octokit/request-error";
import snappy from "snappyjs";
import { type EmulatedAttestation, GitHubEmulator } from "./helpers/github-emulator.js";
import { attestationsDir } from "./helpers/paths.js";

const SHA256 = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3";
const DIGEST = `sha256:${SHA256}`;
const OTHER = `sha256:${"ab".repeat(32)}`;
const SHARED_TEXT = readFileSync(join(attestationsDir, `${SHA256}.json`), "utf8");
type Entry = { bundle: unknown; repository_id: number; bundle_url?: string; initiator?: string };
const SHARED = JSON.parse(SHARED_TEXT) as { attestations: Entry[] };
const SHARED_ENTRY = SHARED.attestations[0] as Entry;
const NOT_FOUND = { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" };

const BOT = "bot-token";
const STRANGER = "stranger-token";
const FRIEND = "friend-token";

/** A fresh copy of the real bundle, with its DSSE statement's predicateType changed when asked. */
function bundle(predicateType?: string): Record<string, unknown> {
  const copy = structuredClone(SHARED_ENTRY.bundle) as { dsseEnvelope: { payload: string } };
  if (predicateType !== undefined) {
    const statement = JSON.parse(Buffer.from(copy.dsseEnvelope.payload, "base64").toString("utf8")) as Record<string, unknown>;
    copy.dsseEnvelope.payload = Buffer.from(JSON.stringify({ ...statement, predicateType })).toString("base64");
  }
  return copy;
}

const real = (): EmulatedAttestation => ({ bundle: bundle(), repositoryId: SHARED_ENTRY.repository_id });
const three: EmulatedAttestation[] = [{ bundle: bundle(), initiator: "user" }, { bundle: { deliberately: "broken" } }, { bundle: bundle("https://example.com/custom/v1") }];

let urlMode: GitHubEmulator;
let inlineMode: GitHubEmulator;

before(async () => {
  [urlMode, inlineMode] = await Promise.all([GitHubEmulator.start({ token: BOT }), GitHubEmulator.start({ attestationBundles: "inline" })]);
  urlMode.setOrg("acme", [
    { name: "tools", attestations: { [DIGEST]: [{ ...real(), initiator: "user" }], [OTHER]: three } },
    { name: "secret", private: true, attestations: { [DIGEST]: [real()] } },
    { name: "older", attestationBundles: "inline", attestations: { [DIGEST]: [real()] } },
    { name: "plain" },
    {
      name: "odd",
      attestations: {
        [DIGEST]: { raw: JSON.stringify({ attestations: "nope" }) },
        [OTHER]: { raw: "<html>upstream error</html>", status: 200 },
      },
    },
    { name: "blobs", attestations: { [DIGEST]: [{ bundle: bundle(), blob: Buffer.from("not snappy at all") }] } },
  ]);
  urlMode.setPeople([
    { login: "stranger", tokens: [STRANGER], repositories: [] },
    { login: "friend", tokens: [FRIEND], repositories: ["acme/secret"] },
  ]);
  inlineMode.setOrg("trailofbits", [{ name: "pypi-attestations", attestations: { [DIGEST]: [real()] } }]);
});

after(() => Promise.all([urlMode.close(), inlineMode.close()]));

const client = (emu: GitHubEmulator, token?: string): Octokit => new Octokit({ baseUrl: emu.apiUrl, ...(token === undefined ? {} : { auth: token }) });

async function list(emu: GitHubEmulator, repo: string, subject_digest = DIGEST, token = BOT, query: { per_page?: number; predicate_type?: string } = {}) {
  return client(emu, token).rest.repos.listAttestations({ owner: "acme", repo, subject_digest, ...query });
}

/** What Octokit threw, as status and parsed body. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof RequestError, String(err));
    return { status: err.status, data: err.response?.data };
  }
  assert.fail("expected the request to be refused");
}

/** The bundle a `bundle_url` names, fetched as a client must: no token, snappy block format. */
async function download(bundleUrl: string): Promise<{ status: number; type: string | null; bundle?: unknown }> {
  const r = await fetch(bundleUrl);
  const bytes = new Uint8Array(await r.arrayBuffer());
  if (r.status !== 200) return { status: r.status, type: r.headers.get("content-type") };
  return { status: r.status, type: r.headers.get("content-type"), bundle: JSON.parse(Buffer.from(snappy.uncompress(bytes)).toString("utf8")) };
}

const entries = (data: unknown): Entry[] => (data as { attestations: Entry[] }).attestations;
const blobRequests = (emu: GitHubEmulator) => emu.requests.filter((r) => r.server === "download" && r.url.startsWith("/attestation-bundles/"));

describe("inline bundles (the recorded older shape)", () => {
  test("the shared real answer comes back as GitHub gave it", async () => {
    const r = await client(inlineMode).rest.repos.listAttestations({ owner: "trailofbits", repo: "pypi-attestations", subject_digest: DIGEST });
    assert.equal(r.status, 200);
    assert.deepEqual(r.data, SHARED);
    const raw = await fetch(`${inlineMode.apiUrl}/repos/trailofbits/pypi-attestations/attestations/${DIGEST}`);
    assert.equal(await raw.text(), JSON.stringify(SHARED), "the same bytes as the shared record, compacted, key order included");
  });

  test("a repository can keep the older shape in an emulator that answers with URLs", async () => {
    const r = await list(urlMode, "older");
    assert.deepEqual(r.data, SHARED);
  });
});

describe("bundle URLs (what GitHub answers since 2026-07-16)", () => {
  test("an entry names a pre-signed blob whose snappy bundle is the shared one, fetched without the token", async () => {
    urlMode.clearRequests();
    const r = await list(urlMode, "tools");
    const [entry, ...more] = entries(r.data);
    assert.equal(more.length, 0);
    assert.ok(entry);
    assert.deepEqual(Object.keys(entry), ["repository_id", "bundle_url", "initiator", "bundle"], "as recorded");
    assert.equal(entry.bundle, null);
    assert.equal(entry.repository_id, SHARED_ENTRY.repository_id);
    assert.equal(entry.initiator, "user");
    const blobUrl = new URL(entry.bundle_url ?? "");
    assert.equal(blobUrl.origin, urlMode.downloadUrl, "on the blob host, not the API");
    assert.match(blobUrl.searchParams.get("sig") ?? "", /^[0-9a-f]{64}$/);

    const got = await download(entry.bundle_url ?? "");
    assert.equal(got.status, 200);
    assert.equal(got.type, "application/x-snappy");
    assert.deepEqual(got.bundle, SHARED_ENTRY.bundle);

    const api = urlMode.requests.filter((q) => q.server === "api");
    assert.equal(api[0]?.headers.authorization, `token ${BOT}`, "the API request is recorded with its token");
    const blobs = blobRequests(urlMode);
    assert.equal(blobs.length, 1);
    assert.equal(blobs[0]?.headers.authorization, undefined, "no token reached the blob host");
  });

  test("a wrong, missing or moved signature is refused by the blob host", async () => {
    const [entry] = entries((await list(urlMode, "tools", OTHER)).data);
    const good = new URL(entry?.bundle_url ?? "");
    const wrong = new URL(good);
    wrong.searchParams.set("sig", "0".repeat(64));
    const unsigned = new URL(good);
    unsigned.searchParams.delete("sig");
    // The same signature on another blob of the store (index 0 -> 1).
    const moved = new URL(good);
    moved.pathname = good.pathname.replace(/\/0\.json\.sn$/, "/1.json.sn");
    assert.notEqual(moved.pathname, good.pathname);
    for (const u of [wrong, unsigned, moved]) assert.equal((await download(u.toString())).status, 403, u.toString());
    assert.equal((await download(good.toString())).status, 200);
  });

  test("a blob set as is is served as is", async () => {
    const [entry] = entries((await list(urlMode, "blobs")).data);
    const r = await fetch(entry?.bundle_url ?? "");
    assert.equal(r.status, 200);
    assert.equal(await r.text(), "not snappy at all");
  });
});

describe("GitHub's answers around the listing", () => {
  test("404 with GitHub's error body when the store holds none for the digest, or none at all", async () => {
    assert.deepEqual(await refusal(list(urlMode, "tools", `sha256:${"cd".repeat(32)}`)), { status: 404, data: NOT_FOUND });
    assert.deepEqual(await refusal(list(urlMode, "plain")), { status: 404, data: NOT_FOUND });
  });

  test("a private repository's attestations are Not Found to a stranger, listed for someone granted it", async () => {
    assert.deepEqual(await refusal(list(urlMode, "secret", DIGEST, STRANGER)), { status: 404, data: NOT_FOUND });
    assert.equal(entries((await list(urlMode, "secret", DIGEST, FRIEND)).data).length, 1);
    const anonymous = client(urlMode).rest.repos.listAttestations({ owner: "acme", repo: "tools", subject_digest: DIGEST });
    assert.equal((await refusal(anonymous)).status, 401, "the bot token is required here, as for every endpoint");
  });

  test("an ETag, a free 304 on If-None-Match, and rate-limit headers like the other answers", async () => {
    const first = await list(urlMode, "tools");
    const etag = first.headers.etag;
    assert.match(etag ?? "", /^"[0-9a-f]{64}"$/);
    const used = Number(first.headers["x-ratelimit-used"]);
    assert.ok(used > 0);
    assert.equal(Number(first.headers["x-ratelimit-remaining"]) + used, Number(first.headers["x-ratelimit-limit"]));
    const again = await refusal(
      client(urlMode, BOT).request("GET /repos/{owner}/{repo}/attestations/{subject_digest}", { owner: "acme", repo: "tools", subject_digest: DIGEST, headers: { "if-none-match": etag } }),
    );
    assert.equal(again.status, 304);
    const after304 = await list(urlMode, "tools");
    assert.equal(Number(after304.headers["x-ratelimit-used"]), used + 1, "the 304 did not count");
  });

  test("per_page with cursors: a Link rel=next carrying `after`, and back with rel=prev", async () => {
    const octokit = client(urlMode, BOT);
    const first = await list(urlMode, "tools", OTHER, BOT, { per_page: 2 });
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.link ?? "")?.[1];
    assert.ok(next, `no next link in ${first.headers.link}`);
    assert.ok(new URL(next).searchParams.get("after"), "the next page is asked with an after cursor");
    assert.equal(new URL(next).searchParams.get("per_page"), "2", "the query is kept");
    const second = await octokit.request(`GET ${next}`);
    assert.doesNotMatch(second.headers.link ?? "", /rel="next"/, "the last page has no next");
    const prev = /<([^>]+)>; rel="prev"/.exec(second.headers.link ?? "")?.[1];
    assert.ok(prev);
    assert.deepEqual((await octokit.request(`GET ${prev}`)).data, first.data);

    const listed = [...entries(first.data), ...entries(second.data)];
    assert.equal(listed.length, 3);
    assert.deepEqual(
      listed.map((e) => e.initiator),
      ["user", undefined, undefined],
    );
    const bundles = await Promise.all(listed.map((e) => download(e.bundle_url ?? "")));
    assert.deepEqual(
      bundles.map((b) => b.bundle),
      three.map((a) => a.bundle),
      "each URL names its own bundle, across pages",
    );
    assert.equal((await list(urlMode, "tools", OTHER, BOT, { per_page: 100 })).headers.link, undefined);
  });

  test("predicate_type matches the DSSE statement's, exactly or by the provenance alias", async () => {
    const kinds = async (predicate_type: string): Promise<unknown[]> => {
      const urls = entries((await list(urlMode, "tools", OTHER, BOT, { predicate_type })).data).map((e) => e.bundle_url ?? "");
      return (await Promise.all(urls.map(download))).map((b) => b.bundle);
    };
    assert.deepEqual(await kinds("provenance"), [three[0]?.bundle]);
    assert.deepEqual(await kinds("https://slsa.dev/provenance/v1"), [three[0]?.bundle]);
    assert.deepEqual(await kinds("https://example.com/custom/v1"), [three[2]?.bundle]);
    assert.deepEqual(await refusal(list(urlMode, "tools", OTHER, BOT, { predicate_type: "sbom" })), { status: 404, data: NOT_FOUND });
  });

  test("answers set as is reach the client unchanged", async () => {
    const malformed = await list(urlMode, "odd");
    assert.deepEqual(malformed.data, { attestations: "nope" });
    const r = await fetch(`${urlMode.apiUrl}/repos/acme/odd/attestations/${OTHER}`, { headers: { authorization: `token ${BOT}` } });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), "<html>upstream error</html>");
  });
});

describe("faults", () => {
  test("a rule written with the digest as GitHub shows it hits the listing the client sends percent-encoded", async () => {
    urlMode.addFault({ path: `/repos/acme/tools/attestations/${DIGEST}`, fault: { kind: "status", status: 502 }, times: 1 });
    urlMode.addFault({ path: /\/attestations\/sha256:ab/, fault: { kind: "rate-limit", resetInSeconds: 60 }, times: 1 });
    try {
      const failed = await refusal(list(urlMode, "tools"));
      assert.equal(failed.status, 502);
      assert.equal(entries((await list(urlMode, "tools")).data).length, 1, "the real answer once the fault is spent");
      const limited = await refusal(list(urlMode, "tools", OTHER));
      assert.equal(limited.status, 403);
      assert.equal(entries((await list(urlMode, "tools", OTHER)).data).length, 3);
    } finally {
      urlMode.clearFaults();
    }
  });

  test("the blob host can fail a bundle download", async () => {
    const [entry] = entries((await list(urlMode, "tools")).data);
    urlMode.addFault({ server: "download", path: /^\/attestation-bundles\//, fault: { kind: "reset" }, times: 1 });
    urlMode.addFault({ server: "download", path: /^\/attestation-bundles\//, fault: { kind: "status", status: 503 }, times: 1 });
    try {
      await assert.rejects(fetch(entry?.bundle_url ?? ""));
      assert.equal((await download(entry?.bundle_url ?? "")).status, 503);
      assert.deepEqual((await download(entry?.bundle_url ?? "")).bundle, SHARED_ENTRY.bundle);
    } finally {
      urlMode.clearFaults();
    }
  });
});
