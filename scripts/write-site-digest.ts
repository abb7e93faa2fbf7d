/**
 * Writes test/fixtures/site-digest.json from the code as it is: the bytes test/site-digest.test.ts
 * holds every later build to. Run it only when a page is meant to change (and say why in the commit):
 * `node --import tsx scripts/write-site-digest.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { siteDigest, SITE_DIGEST_FILE } from "../test/helpers/site-digest.js";

const work = mkdtempSync(join(tmpdir(), "github-pypi-digest-"));
try {
  const { all, pages } = siteDigest(work);
  const digest = { all, pages };
  writeFileSync(SITE_DIGEST_FILE, `${JSON.stringify(digest, null, 1)}\n`);
  console.log(`${Object.keys(digest.pages).length} pages, all ${digest.all} -> ${SITE_DIGEST_FILE}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
