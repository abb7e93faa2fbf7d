/**
 * The private catalog in real Chromium, as two people with different grants, through
 * `serve --auth github`: the landing page lists and searches only what the person may read, and a
 * hidden project's name appears nowhere, not in the page, not in anything the browser fetched.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { RunningServer } from "../generator/serving/server.js";
import { inContext, launchChromium, screenshot } from "./helpers/browser.js";
import type { PageDocument } from "./helpers/page-dom.js";
import { serveGated, startPrivateOrg, type PrivateOrg } from "./helpers/private-org.js";

const ALICE = `ghp_alice_browser${"0".repeat(23)}`;
const BOB = `ghp_bob_browser${"0".repeat(25)}`;
/** In-page code runs in the browser; the project compiles without the DOM lib. */
declare const document: PageDocument;

const DESKTOP = { viewport: { width: 1280, height: 800 } };
const ACME = ["acme-app", "acme-core", "acme-secret"];

let org: PrivateOrg;
let server: RunningServer;
let browser: Browser;

before(async () => {
  org = await startPrivateOrg({
    privateRepos: ["core", "app", "secret"],
    people: [
      { login: "alice", tokens: [ALICE], repositories: ["acme/pypi", "acme/core", "acme/app", "acme/secret"] },
      { login: "bob", tokens: [BOB], repositories: ["acme/pypi"] },
    ],
    label: "lists-browser",
  });
  ({ server } = await serveGated(org));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await org?.emu.close();
});

const visibleNames = (page: Page): Promise<string[]> =>
  page.evaluate(() => [...document.querySelectorAll("#projects li.project")].filter((li) => !li.hidden).map((li) => li.getAttribute("data-name") as string));

/** Opens the landing page as `token`, searches for `query`; returns the names shown and every byte the browser received. */
async function visit(token: string, query: string, shot: string): Promise<{ listed: string[]; found: string[]; count: string; received: string }> {
  let out = { listed: [] as string[], found: [] as string[], count: "", received: "" };
  await inContext(browser, { ...DESKTOP, httpCredentials: { username: "token", password: token } }, async (context, pages) => {
    const bodies: Promise<string>[] = [];
    context.on("response", (res) =>
      bodies.push(
        res.body().then(
          (b) => `${res.url()}\n${b.toString("utf8")}`,
          () => res.url(),
        ),
      ),
    );
    const page = await pages.open(context, `${server.url}/`);
    const listed = (await visibleNames(page)).sort();
    await page.locator("input#search").pressSequentially(query);
    // The count says "N of M projects", or names the query when nothing matches.
    await page.waitForFunction(
      (q: string) => /\bof\b/.test(document.querySelector("#result-count")?.textContent ?? "") || (document.querySelector("#result-count")?.textContent ?? "").includes(`"${q}"`),
      query,
      { timeout: 3000 },
    );
    const found = (await visibleNames(page)).sort();
    const count = ((await page.locator("#result-count").textContent()) ?? "").replace(/\s+/g, " ").trim();
    await screenshot(page, shot);
    out = { listed, found, count, received: `${await page.content()}\n${(await Promise.all(bodies)).join("\n")}` };
  });
  return out;
}

test("alice's catalog lists and searches the acme projects; bob's never names them, in the page or in any response", async () => {
  const alice = await visit(ALICE, "acme", "private-landing-alice.png");
  assert.deepEqual(alice.listed, org.lists.projects.map((p) => p.name).sort());
  assert.deepEqual(alice.found, ACME);
  assert.match(alice.count, /^3 of 7 projects/);

  const bob = await visit(BOB, "acme", "private-landing-bob.png");
  assert.deepEqual(bob.listed, ["demo-app", "demo-core", "demo-sdist-only", "demo-zip"]);
  assert.deepEqual(bob.found, []);
  assert.equal(bob.count, 'No project matches "acme"');
  const bobAll = await visit(BOB, "demo", "private-landing-bob-demo.png");
  assert.match(bobAll.count, /^4 of 4 projects/, "the total is bob's, not the index's");
  const lower = bob.received.toLowerCase();
  for (const name of ACME) {
    for (const spelling of [name, name.replace(/-/g, "_")]) assert.ok(!lower.includes(spelling), `${spelling} reached bob's browser`);
  }
  // The test could fail: alice's browser did receive those names.
  assert.ok(ACME.every((n) => alice.received.includes(n)));
});
