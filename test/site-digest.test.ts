/**
 * Every page's bytes, held still while the build is made faster: a fixed build (test/helpers/
 * site-digest.ts) digested page by page against test/fixtures/site-digest.json, written by
 * scripts/write-site-digest.ts from the code before any optimisation. One changed byte anywhere fails.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { siteDigest, SITE_DIGEST_FILE, type SiteDigest } from "./helpers/site-digest.js";
import { tempDir } from "./helpers/paths.js";
import { wantsThread } from "../generator/publish/page-writer.js";

test("a fixed build writes the same bytes, page for page, as the committed digest", () => {
  const expected = JSON.parse(readFileSync(SITE_DIGEST_FILE, "utf8")) as SiteDigest;
  const actual = siteDigest(tempDir("site-digest", { inMemory: true }));
  const paths = [...new Set([...Object.keys(expected.pages), ...Object.keys(actual.pages)])].sort();
  const differ = paths.filter((p) => expected.pages[p] !== actual.pages[p]).map((p) => `${p}: ${expected.pages[p] ?? "(absent)"} -> ${actual.pages[p] ?? "(absent)"}`);
  assert.deepEqual(differ.slice(0, 20), [], `${differ.length} of ${paths.length} pages differ`);
  assert.equal(actual.all, expected.all);
  // Its simple pages are written by the folder publisher's page writer thread, the large-site path,
  // and the others in the build's own thread.
  assert.ok(wantsThread(actual.simple.pages, actual.simple.links), `the page writer takes ${actual.simple.pages} pages of ${actual.simple.links} links`);
  // The build renders what it should: the kinds of page the digest is meant to cover are all there.
  for (const kind of [
    /^command\/simple\/[^/]+\/index\.json$/,
    /^command\/project\/[^/]+\/index\.html$/,
    /^command\/simple\/namespace\/acme-data$/,
    /^command\/files\/.+\.metadata$/,
    /^command\/\.github-pypi/,
    /^render\/files\/.+\.provenance$/,
  ]) {
    assert.ok(
      paths.some((p) => kind.test(p)),
      `a page matching ${kind}`,
    );
  }
});
