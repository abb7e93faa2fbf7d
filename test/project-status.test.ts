/**
 * PEP 792 project status markers, end to end: statuses from the settings, pages read back by an
 * independent reader of the simple API (HTML and JSON must agree), real pip installing from
 * archived and deprecated projects and finding nothing in a quarantined one, and the catalog in
 * real Chromium showing each status with its reason.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { accessMapFor } from "../generator/serving/access/access-map.js";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { contrastAudit, inContext, launchChromium, screenshot } from "./helpers/browser.js";
import { demoDists, repoRoot, tempDir } from "./helpers/paths.js";
import { createVenv, installed, run } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";

const STATUS = {
  "Demo.Core": { status: "archived", reason: "Moved to acme/core-ng; <no new releases>" },
  demo_app: { status: "deprecated", reason: "Use demo-core directly" },
  "demo-zip": { status: "quarantined", reason: "Malware reported in 0.1.0" },
  "demo-sdist-only": { status: "active" },
  "not-in-the-index": { status: "archived" },
} as const;

test("two status keys that name the same project are an error naming both", async () => {
  await assert.rejects(
    buildTo(tempDir("status-dup"), { from: [demoDists], config: { status: { "Demo.Core": { status: "archived" }, demo_core: { status: "deprecated" } } } }),
    /status\.Demo\.Core and status\.demo_core name the same project \(demo-core\)/,
  );
});

let site: string;
let server: RunningServer;
let browser: Browser;
let warnings: { code: string; message: string }[];
let built: Awaited<ReturnType<typeof buildTo>>;

before(async () => {
  site = tempDir("status-site");
  built = await buildTo(site, { from: [demoDists], config: { status: STATUS } });
  warnings = built.warnings;
  server = await startServer({ root: site, port: 0 });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

interface Side {
  api_version: string;
  status: string;
  reason: string | null;
  files: string[];
}

test("every status reads back the same from the HTML and the JSON page, by an independent reader; quarantined offers no file", async () => {
  const projects = ["demo-core", "demo-app", "demo-zip", "demo-sdist-only"];
  const r = await run("python3", [join(repoRoot, "test/oracle/read_simple.py"), `${server.url}/simple`, ...projects]);
  assert.equal(r.code, 0, r.stderr);
  const read = JSON.parse(r.stdout) as Record<string, { html: Side; json: Side; versions: string[] }>;
  const seen = Object.fromEntries(projects.map((p) => [p, [read[p]?.json.status, read[p]?.json.reason]]));
  assert.deepEqual(seen, {
    "demo-core": ["archived", STATUS["Demo.Core"].reason],
    "demo-app": ["deprecated", STATUS.demo_app.reason],
    "demo-zip": ["quarantined", STATUS["demo-zip"].reason],
    "demo-sdist-only": ["active", null],
  });
  for (const p of projects) {
    const { html, json } = read[p] as { html: Side; json: Side };
    assert.deepEqual({ ...html, api_version: "" }, { ...json, api_version: "" }, `${p}: HTML and JSON agree`);
    assert.equal(html.api_version, "1.4");
    assert.equal(json.api_version, "1.5", "every demo file has a size, so the JSON page may claim 1.5");
  }
  assert.ok((read["demo-core"]?.json.files.length ?? 0) > 0, "an archived project's files are still offered");
  assert.deepEqual(read["demo-zip"]?.json.files, []);
  assert.deepEqual(read["demo-zip"]?.versions, []);
  assert.equal(existsSync(join(site, "files/demo-zip")), false, "a quarantined project's files are not in the site");
  // Its pages stay guarded as its (local, so gate-guarded) files were, in a private index.
  assert.deepEqual(accessMapFor(built.index).projects["demo-zip"], ["(gate)"]);
  // The unknown name is a named warning; "active" in the settings is the default, so no marker.
  assert.deepEqual(
    warnings.map((w) => w.code),
    ["status-unmatched"],
  );
  assert.match(warnings[0]?.message ?? "", /status\.not-in-the-index names no project/);
});

test("real pip installs from an archived and a deprecated project, and finds nothing to install in a quarantined one", async () => {
  const venv = await createVenv(join(tempDir("status-venv"), "v"));
  const index = `${server.url}/simple/`;
  const ok = await venv.pip(["install", "--index-url", index, "demo-app"]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const pkgs = await installed(venv);
  assert.ok(pkgs.has("demo-app") && pkgs.has("demo-core"), [...pkgs.keys()].join(","));
  const quarantined = await venv.pip(["install", "--index-url", index, "demo-zip"]);
  assert.notEqual(quarantined.code, 0);
  assert.match(quarantined.stdout + quarantined.stderr, /No matching distribution found for demo-zip/);
  const versions = await venv.pip(["index", "versions", "--index-url", index, "demo-zip"]);
  assert.notEqual(versions.code, 0);
  assert.match(versions.stdout + versions.stderr, /No matching distribution found for demo-zip/);
});

test("the catalog shows each status with its reason, on the landing page and the project page; a quarantined page offers no install", async () => {
  await inContext(browser, { viewport: { width: 1280, height: 900 } }, async (context, pages) => {
    const page = await pages.open(context, `${server.url}/`);
    const badge = async (name: string): Promise<string> => (await page.locator(`li.project[data-name="${name}"] .badge`).allTextContents()).join(" ");
    assert.equal(await badge("demo-core"), "archived");
    assert.equal(await badge("demo-app"), "deprecated");
    assert.equal(await badge("demo-zip"), "quarantined");
    assert.equal(await badge("demo-sdist-only"), "", "active shows nothing");
    // The reason is text, escaped: its angle brackets show as written.
    assert.equal(await page.locator(`li.project[data-name="demo-core"] .status-reason`).textContent(), STATUS["Demo.Core"].reason);
    assert.deepEqual(
      (await contrastAudit(page)).filter((s) => s.ratio === null || s.ratio < s.required),
      [],
    );
    await screenshot(page, "status-landing.png");

    for (const [name, word] of [
      ["demo-core", "Archived."],
      ["demo-app", "Deprecated."],
      ["demo-zip", "Quarantined."],
    ] as const) {
      await page.goto(`${server.url}/project/${name}/`);
      const notice = page.locator(".status-notice[role=note]");
      assert.equal(await notice.locator("strong").textContent(), word);
      assert.match((await notice.textContent()) ?? "", name === "demo-zip" ? /offers none of its files/ : /still offered/);
      assert.equal(await page.locator("#install").count(), name === "demo-zip" ? 0 : 1, `${name}: install commands`);
      assert.deepEqual(
        (await contrastAudit(page)).filter((s) => s.ratio === null || s.ratio < s.required),
        [],
      );
      await screenshot(page, `status-${name}.png`);
    }
  });
});
