/**
 * The human catalog in a real browser: headless Chromium (playwright-core, the system's
 * /usr/bin/chromium) against `github-pypi serve`'s server, on a site built from the demo dists
 * plus the hostile fixture. Every page must run without console errors, uncaught exceptions or
 * dialogs (an `alert` from hostile metadata would be one). Screenshots go to
 * test/artifacts/catalog/ for a human to look at.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { defaultAccessMapPath, readAccessFile } from "../generator/serving/access/access-map-file.js";
import { createAccessGate } from "../generator/serving/access/gate.js";
import { createGitHubAccess } from "../generator/serving/access/github-access.js";
import type { Project, ProjectIndex } from "../generator/model/project.js";
import type { BuildIdentity } from "../generator/model/distribution.js";
import { buildSite } from "../generator/build.js";
import { validateIndexConfig } from "../generator/config/load.js";
import { writeSiteToFolder } from "../generator/publish/local-folder.js";
import { renderSite } from "../generator/site/render-site.js";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { contrastAudit, inContext, launchChromium, screenshot } from "./helpers/browser.js";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { demoDists, hostileDists, tempDir } from "./helpers/paths.js";
import { makeWheel } from "./helpers/python-dists.js";
import { createVenv, installed, type Venv } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";
import { REAL_BUILD_IDENTITY } from "./helpers/forged-bundle.js";
import type { PageDocument, PageElement, PageField, PageImage, PageLink, PageLocation, PageNavigator, PageWindow } from "./helpers/page-dom.js";

// Page functions run in the browser; the project compiles without the DOM lib (module-local).
declare const document: PageDocument;
declare const location: PageLocation;
declare const navigator: PageNavigator;
declare const window: PageWindow;

const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const HOSTILE_SUMMARY = `<script>alert("x")</script> & <b>bold</b>`;

let browser: Browser;
let server: RunningServer;
let index: ProjectIndex;
let base: string;
let venv: Promise<Venv>;

before(async () => {
  // The venv (ensurepip is slow) is made while the site builds and the browser starts.
  venv = createVenv(join(tempDir("catalog-venv"), "v"));
  venv.catch(() => undefined);
  const site = tempDir("catalog-site");
  const built = await buildTo(site, {
    from: [demoDists, hostileDists],
    config: { title: "Acme packages", yanked: { "demo-core": { "1.0.0": "broken" } } },
  });
  index = built.index;
  server = await startServer({ root: site, port: 0 });
  base = server.url;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function project(name: string): Project {
  const p = index.projects.find((x) => x.name === name);
  assert.ok(p, `fixture project ${name}`);
  return p;
}

/** Only a Python newer than any released (3.14) meets it: the fixtures' `>=3.99`. */
const futurePython = (spec: string | undefined): boolean => {
  const m = /^\s*>=\s*(\d+)\.(\d+)\s*$/.exec(spec ?? "");
  return m !== null && Number(m[1]) * 1000 + Number(m[2]) > 3014;
};

/** The newest version that is final (no pre/dev release) with a file that is not yanked and that some released Python may install. */
function latestOf(p: Project): string {
  for (const v of [...p.versions].reverse()) {
    if (!/^\d+(\.\d+)*(\.post\d+)?$/.test(v)) continue;
    if (p.files.filter((f) => f.parsed.version === v).every((f) => f.yanked || futurePython(f.requiresPython))) continue;
    return v;
  }
  throw new Error(`${p.name} has no final version`);
}

function summaryOf(p: Project): string {
  const latest = latestOf(p);
  const files = [...p.files].reverse();
  const f = files.find((x) => x.parsed.version === latest && x.metadata?.summary) ?? files.find((x) => x.metadata?.summary);
  return f?.metadata?.summary ?? "";
}

/** The projects a query should leave visible: each term in the name, display name or summary. */
function matching(query: string): string[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  return index.projects.filter((p) => terms.every((t) => `${p.name} ${p.displayName} ${summaryOf(p)}`.toLowerCase().includes(t))).map((p) => p.name);
}

const squash = (s: string | null | undefined): string => (s ?? "").replace(/\s+/g, " ").trim();

interface Row {
  name: string | null;
  text: string;
  href: string;
  version: string;
  summary: string;
  hidden: boolean;
}

function landingRows(page: Page): Promise<Row[]> {
  return page.locator("#projects li.project").evaluateAll((lis: PageElement[]) =>
    lis.map((li) => ({
      name: li.getAttribute("data-name"),
      text: li.querySelector("a.project-name")?.textContent ?? "",
      href: li.querySelector<PageLink>("a.project-name")?.href ?? "",
      version: li.querySelector("span.version")?.textContent ?? "",
      summary: li.querySelector("p.summary")?.textContent ?? "",
      hidden: li.hidden,
    })),
  );
}

async function visibleNames(page: Page): Promise<string[]> {
  return (await landingRows(page)).filter((r) => !r.hidden).map((r) => r.name ?? "");
}

async function countText(page: Page): Promise<string> {
  return squash(await page.locator("#result-count").textContent());
}

/** Waits until the landing page shows exactly these projects (filtering may be debounced). */
async function waitForVisible(page: Page, names: string[]): Promise<void> {
  const want = [...names].sort().join(",");
  await page
    .waitForFunction(
      (w: string) =>
        [...document.querySelectorAll("#projects li.project")]
          .filter((li) => !li.hidden)
          .map((li) => li.getAttribute("data-name"))
          .sort()
          .join(",") === w,
      want,
      { timeout: 3000 },
    )
    .catch(async () => assert.fail(`expected visible [${want}], got [${(await visibleNames(page)).join(",")}]`));
}

const activeElement = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "body";
    return el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "") + [...el.classList].map((c: string) => `.${c}`).join("");
  });

async function pressTab(page: Page): Promise<string> {
  await page.keyboard.press("Tab");
  return activeElement(page);
}

test("the landing page lists every project with its latest version and summary", async () => {
  await inContext(browser, DESKTOP, async (context, pages) => {
    const page = await pages.open(context, `${base}/`);
    assert.match(await page.title(), /Acme packages/);

    const n = index.projects.length;
    const rows = await landingRows(page);
    const expected = index.projects.map((p) => ({
      name: p.name,
      text: p.displayName,
      href: `${base}/project/${p.name}/`,
      version: latestOf(p),
      summary: summaryOf(p),
      hidden: false,
    }));
    const tidy = (r: Row[]): Row[] => r.map((x) => ({ ...x, text: squash(x.text), version: squash(x.version), summary: squash(x.summary) })).sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : 1));
    assert.deepEqual(tidy(rows), tidy(expected));
    // Neither a yanked release nor one only a future Python could install (2.0.0 needs >= 3.99) counts as the latest.
    assert.equal(rows.find((r) => r.name === "demo-core")?.version.trim(), "1.2.0");
    assert.equal(await countText(page), `${n} projects`);

    // The landing install snippet, made absolute by the page's script.
    const pip = squash(await page.locator("#install pre code#install-pip").textContent());
    assert.ok(pip.startsWith(`pip install --index-url ${base}/simple/ `), pip);
    assert.equal(await page.locator('#install button.copy[data-copy-target="install-pip"]').count(), 1);
    const shown = await page.locator("[data-index-url]").evaluateAll((els: PageElement[]) => els.map((e) => e.textContent.trim()));
    assert.ok(shown.length > 0, "elements with data-index-url");
    for (const s of shown) assert.equal(s, `${base}/simple/`);

    await screenshot(page, "landing-desktop.png");
  });
});

test("search filters as you type, survives a reload through ?q=, and is driven by the keyboard", async () => {
  await inContext(browser, DESKTOP, async (context, pages) => {
    const n = index.projects.length;
    const all = index.projects.map((p) => p.name);
    const page = await pages.open(context, `${base}/`);
    const search = page.locator("input#search[type=search]");
    assert.equal(await page.locator('label[for="search"]').count(), 1);

    // The filter matches names and summaries: "core" finds demo-core, and demo-app, whose
    // summary says it "uses demo-core".
    const core = matching("core");
    assert.ok(core.includes("demo-core"));
    await search.click();
    await search.pressSequentially("core");
    await waitForVisible(page, core);
    for (const r of await landingRows(page)) assert.equal(r.hidden, !core.includes(r.name ?? ""), `${r.name} hidden`);
    assert.equal(await countText(page), `${core.length} of ${n} projects`);
    await page.waitForFunction(() => new URLSearchParams(location.search).get("q") === "core", undefined, { timeout: 3000 });
    assert.equal(new URL(page.url()).searchParams.get("q"), "core");
    await screenshot(page, "landing-search.png");

    // One match: "1 of N projects".
    await search.fill("");
    await search.pressSequentially("zip");
    assert.deepEqual(matching("zip"), ["demo-zip"]);
    await waitForVisible(page, ["demo-zip"]);
    assert.equal(await countText(page), `1 of ${n} projects`);

    // A shared link restores the filter.
    await page.goto(`${base}/?q=core`);
    await waitForVisible(page, core);
    assert.equal(await search.inputValue(), "core");
    assert.equal(await countText(page), `${core.length} of ${n} projects`);

    await search.fill("");
    await search.pressSequentially("xyz");
    await waitForVisible(page, []);
    // "xy" already hides every project, so wait for the last keystroke's filter to name the query.
    await page.waitForFunction(() => document.querySelector("#result-count")?.textContent?.includes('"xyz"'), undefined, { timeout: 3000 });
    assert.match(await countText(page), /No project matches "xyz"/);

    await search.press("Escape");
    await waitForVisible(page, all);
    assert.equal(await search.inputValue(), "");
    assert.equal(await countText(page), `${n} projects`);
    await page.waitForFunction(() => !new URLSearchParams(location.search).has("q"), undefined, { timeout: 3000 });

    // "/" from anywhere focuses the box, without typing a slash into it.
    await page.evaluate(() => document.activeElement?.blur());
    assert.equal(await activeElement(page), "body");
    await page.keyboard.press("/");
    assert.equal(await activeElement(page), "input#search");
    assert.equal(await search.inputValue(), "");
  });
});

test("keyboard: the first Tab reaches a visible skip link to #main, and Tab reaches the search box", async () => {
  await inContext(browser, DESKTOP, async (context, pages) => {
    const page = await pages.open(context, `${base}/`);
    const first = await pressTab(page);
    assert.ok(first.startsWith("a") && first.split(".").includes("skip"), `first Tab focused ${first}`);
    const skip = page.locator("a.skip");
    assert.equal(await skip.getAttribute("href"), "#main");
    assert.equal(await page.locator("#main").count(), 1);
    // A focused skip link is on screen.
    const box = await skip.boundingBox();
    assert.ok(box && box.width > 1 && box.height > 1 && box.x >= 0 && box.y >= 0 && box.x + box.width <= 1280 && box.y + box.height <= 800, `skip link box ${JSON.stringify(box)}`);

    const seen: string[] = [first];
    for (let i = 0; i < 20 && seen[seen.length - 1] !== "input#search"; i++) seen.push(await pressTab(page));
    assert.equal(seen[seen.length - 1], "input#search", `Tab order: ${seen.join(" → ")}`);
  });
});

test("without JavaScript the landing page still lists every project and its links work", async () => {
  await inContext(browser, { ...DESKTOP, javaScriptEnabled: false }, async (context, pages) => {
    const page = await pages.open(context, `${base}/`);
    const rows = await landingRows(page);
    assert.equal(rows.length, index.projects.length);
    for (const r of rows) assert.equal(r.hidden, false, `${r.name} hidden without JS`);
    assert.equal(await page.locator("li.project a.project-name").filter({ visible: true }).count(), index.projects.length);

    await page.locator('li.project[data-name="demo-app"] a.project-name').click();
    await page.waitForURL(`${base}/project/demo-app/`);
    assert.equal(squash(await page.locator("h1").textContent()), project("demo-app").displayName);
    assert.equal(await page.locator("#versions tbody.release").count(), project("demo-app").versions.length);
    await page.locator("nav a", { hasText: "All projects" }).click();
    await page.waitForURL(`${base}/`);
  });
});

test("navigation: landing → demo-app → its dependency demo-core, with versions, yanks and true sha256s", async () => {
  await inContext(browser, DESKTOP, async (context, pages) => {
    const page = await pages.open(context, `${base}/`);
    await page.locator('li.project[data-name="demo-app"] a.project-name').click();
    await page.waitForURL(`${base}/project/demo-app/`);
    await page.waitForLoadState("load");
    const app = project("demo-app");
    assert.equal(squash(await page.locator("h1").textContent()), app.displayName);
    const back = page.locator("nav a", { hasText: "All projects" });
    assert.equal(await back.evaluate((a: PageLink) => a.href), `${base}/`);
    assert.deepEqual(await releaseVersions(page), [...app.versions].reverse());
    const deps = page.locator("#dependencies li.dependency");
    assert.ok((await deps.count()) >= 1);
    const link = deps.locator('a[href="../demo-core/"]');
    assert.equal(await link.count(), 1, "demo-app's dependency links to demo-core");
    await screenshot(page, "project-demo-app.png");

    await link.click();
    await page.waitForURL(`${base}/project/demo-core/`);
    await page.waitForLoadState("load");
    const core = project("demo-core");
    assert.equal(squash(await page.locator("h1").textContent()), core.displayName);
    assert.deepEqual(await releaseVersions(page), [...core.versions].reverse(), "newest first");

    const yanked = page.locator('#versions tbody.release[data-version="1.0.0"]');
    assert.equal(await yanked.locator(".badge.yanked").count(), 1);
    assert.match(squash(await yanked.textContent()), /broken/);
    for (const v of core.versions.filter((x) => x !== "1.0.0")) {
      assert.equal(await page.locator(`#versions tbody.release[data-version="${v}"] .badge.yanked`).count(), 0, `${v} is not yanked`);
    }

    // Each file row's sha256 is the real digest of that file's bytes.
    const rows = await page
      .locator("#versions code.sha256")
      .evaluateAll((codes: PageElement[]) => codes.map((c) => ({ hash: c.textContent.trim(), row: (c.closest("tr") ?? c.parentElement)?.textContent ?? "" })));
    assert.equal(rows.length, core.files.length, "one sha256 per file");
    const seen = new Map<string, string>();
    for (const { hash, row } of rows) {
      const files = core.files.filter((f) => row.includes(f.filename));
      assert.equal(files.length, 1, `one file named in the row of ${hash}: ${squash(row)}`);
      seen.set(files[0]!.filename, hash);
    }
    for (const f of core.files) {
      const real = createHash("sha256")
        .update(readFileSync(join(demoDists, f.filename)))
        .digest("hex");
      assert.equal(seen.get(f.filename), real, `sha256 of ${f.filename}`);
    }
  });
});

function releaseVersions(page: Page): Promise<(string | null)[]> {
  return page.locator("#versions tbody.release").evaluateAll((bodies: PageElement[]) => bodies.map((b) => b.getAttribute("data-version")));
}

test("the Copy button puts a working pip command on the clipboard", async () => {
  let command = "";
  await inContext(browser, { ...DESKTOP, permissions: ["clipboard-read", "clipboard-write"] }, async (context, pages) => {
    const page = await pages.open(context, `${base}/project/demo-app/`);
    const expected = `pip install --index-url ${base}/simple/ demo-app`;
    assert.equal(squash(await page.locator("#install-pip").textContent()), expected);
    const button = page.locator('button.copy[data-copy-target="install-pip"]');
    assert.equal(await button.count(), 1);
    await button.click();
    command = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(command, expected);

    // The other installers get the same absolute index URL and the project.
    for (const id of ["install-uv", "install-poetry", "install-requirements", "install-conda"]) {
      const text = squash(await page.locator(`#${id}`).textContent());
      assert.ok(text.includes(`${base}/simple/`), `#${id} names the index: ${text}`);
      assert.ok(text.includes("demo-app"), `#${id} names the project: ${text}`);
      assert.equal(await page.locator(`button.copy[data-copy-target="${id}"]`).count(), 1, `#${id} has a copy button`);
    }
  });

  const [pip, ...args] = command.split(" ");
  assert.equal(pip, "pip");
  const v = await venv;
  const r = await v.pip(args);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const pkgs = await installed(v);
  assert.equal(pkgs.get("demo-app"), "0.3.0");
  // 1.0.0 is yanked and 2.0.0 needs Python >= 3.99.
  assert.equal(pkgs.get("demo-core"), "1.2.0");
});

/** Only the catalog's own external script; no inline script, no event-handler attributes. */
async function assertOnlyOwnScript(page: Page): Promise<void> {
  const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.getAttribute("src")));
  assert.ok(scripts.length >= 1, "the catalog script is present");
  for (const src of scripts) assert.ok(typeof src === "string" && src.endsWith("assets/catalog.js"), `script src=${src}`);
  const handlers = await page.evaluate(() => [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}[${a.name}]`)));
  assert.deepEqual(handlers, []);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy" i]').getAttribute("content");
  assert.ok(csp, "CSP meta");
  const directive = (name: string): string | undefined =>
    csp
      .split(";")
      .map((d) => d.trim())
      .find((d) => d.split(/\s+/)[0] === name);
  const scriptSrc = directive("script-src") ?? directive("default-src");
  assert.ok(scriptSrc, `CSP restricts scripts: ${csp}`);
  assert.doesNotMatch(scriptSrc, /'unsafe-inline'|'unsafe-eval'|\*/, csp);
}

test("hostile metadata is shown as text and never runs; every page allows only its own script", async () => {
  await inContext(browser, DESKTOP, async (context, pages) => {
    const landing = await pages.open(context, `${base}/`);
    const summary = landing.locator('li.project[data-name="demo-hostile"] p.summary');
    assert.equal(squash(await summary.textContent()), HOSTILE_SUMMARY);
    assert.equal(await summary.locator("script, b").count(), 0);
    await assertOnlyOwnScript(landing);

    // A hostile query (say, from a link someone was sent) is echoed as text, never as markup.
    const query = `<img src=x onerror=alert(1)>`;
    await landing.goto(`${base}/?q=${encodeURIComponent(query)}`);
    await waitForVisible(landing, []);
    assert.equal(await countText(landing), `No project matches "${query}"`);
    assert.equal(await landing.locator("img").count(), 0);

    const page = await pages.open(context, `${base}/project/demo-hostile/`);
    assert.ok((await page.locator("body").textContent())?.includes(`<script>alert("x")</script>`), "the summary shows literally");
    assert.equal(await page.locator("b", { hasText: "bold" }).count(), 0, "<b> in the summary is not markup");
    const description = page.locator("#description");
    assert.equal(await description.count(), 1);
    assert.equal(await description.locator("script, iframe, object, embed, style").count(), 0);
    await assertOnlyOwnScript(page);
    await screenshot(page, "project-hostile.png");

    // Every other project page, too (and none of them may log an error).
    for (const p of index.projects) {
      if (p.name === "demo-hostile") continue;
      const other = await pages.open(context, `${base}/project/${p.name}/`);
      await assertOnlyOwnScript(other);
      await other.close();
    }
  });
});

async function accessibilityProblems(page: Page, where: string): Promise<string[]> {
  const found = await page.evaluate(() => ({
    unlabelled: [...document.querySelectorAll<PageField>("input, select, textarea")]
      .filter((el) => el.type !== "hidden" && el.labels.length === 0 && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
      .map((el) => `form field without a label: ${el.outerHTML}`),
    noAlt: [...document.querySelectorAll("img:not([alt])")].map((el) => `img without alt: ${el.outerHTML}`),
    unnamed: [...document.querySelectorAll("button")].filter((b) => !b.textContent.trim() && !b.getAttribute("aria-label")).map((b) => `button without a name: ${b.outerHTML}`),
    lang: document.documentElement.getAttribute("lang") === "en" ? [] : [`<html lang> is ${String(document.documentElement.getAttribute("lang"))}`],
  }));
  return [...found.unlabelled, ...found.noAlt, ...found.unnamed, ...found.lang].map((p) => `${where}: ${p}`);
}

async function contrastProblems(page: Page, where: string): Promise<string[]> {
  const samples = await contrastAudit(page);
  const problems = samples
    .filter((s) => s.ratio === null || s.ratio < s.required)
    .map((s) => `${where}: ${s.element} "${s.text}": ${s.color} on ${s.background} = ${s.ratio} (WCAG AA needs ${s.required})`);
  if (!samples.some((s) => s.link)) problems.push(`${where}: no link text was measured`);
  return problems;
}

async function horizontalScroll(page: Page, where: string): Promise<string[]> {
  const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    wide: [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).trim().replace(/\s+/g, ".")}` : ""} (right edge ${Math.round(el.getBoundingClientRect().right)})`),
  }));
  return scrollWidth <= innerWidth ? [] : [`${where}: scrolls sideways, scrollWidth ${scrollWidth} > innerWidth ${innerWidth}; overflowing: ${wide.join(", ")}`];
}

test("accessibility and layout: labels, alt text, WCAG contrast (light and dark), no sideways scrolling on a phone", async () => {
  const paths = ["/", ...index.projects.map((p) => `/project/${p.name}/`)];
  const problems: string[] = [];
  await inContext(browser, DESKTOP, async (context, pages) => {
    for (const path of paths) {
      const page = await pages.open(context, `${base}${path}`);
      problems.push(...(await accessibilityProblems(page, path)));
      problems.push(...(await contrastProblems(page, `${path} (light)`)));
      await page.emulateMedia({ colorScheme: "dark" });
      problems.push(...(await contrastProblems(page, `${path} (dark)`)));
      await page.close();
    }
    const search = (await pages.open(context, `${base}/`)).locator("input#search");
    assert.equal(await search.evaluate((el: PageField) => el.labels.length), 1, "#search has its <label for>");
  });
  await inContext(browser, PHONE, async (context, pages) => {
    for (const path of paths) {
      const page = await pages.open(context, `${base}${path}`);
      if (path === "/") await screenshot(page, "landing-phone.png");
      if (path === "/project/demo-core/") await screenshot(page, "project-demo-core-phone.png");
      problems.push(...(await horizontalScroll(page, `${path} on a phone`)));
      await page.close();
    }
  });
  assert.deepEqual(problems, []);
});

test("a README's image from another host loads in a public catalog, and in a private one is blocked by the browser (no tracking pixel)", async () => {
  const dir = tempDir("pixel-dists");
  const wheel = makeWheel({
    name: "acme-pixel",
    version: "1.0.0",
    description: { text: "# Acme pixel\n\n![build status](https://tracker.example/pixel.png)\n", contentType: "text/markdown" },
  });
  writeFileSync(join(dir, wheel.filename), wheel.bytes);
  const site = join(tempDir("pixel-site"), "site");
  const built = await buildTo(site, { from: [dir] });
  const file = await readAccessFile(defaultAccessMapPath(site));
  assert.ok(file?.lists);
  const { map, lists } = file;
  // One person who may read the gate repository, which guards projects from local folders.
  const ALICE = `ghp_${"a".repeat(36)}`;
  const emu = await GitHubEmulator.start({ token: `ghs_${"b".repeat(36)}` });
  emu.setOrg("acme", [{ name: "pypi", private: true }]);
  emu.setPeople([{ login: "alice", tokens: [ALICE], repositories: ["acme/pypi"] }]);
  const gate = createAccessGate({ gateRepository: "acme/pypi", map, github: createGitHubAccess({ apiUrl: emu.apiUrl }) });
  const publicServer = await startServer({ root: site, port: 0 });
  const privateServer = await startServer({ root: site, port: 0, access: { gate, realm: "acme/pypi", lists } });
  const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
  /** Opens the project page; returns the pixel requests the browser made and the CSP violations it reported. */
  const visit = async (url: string, options: Parameters<Browser["newContext"]>[0]): Promise<{ pixels: number; violations: string[]; shown: boolean }> => {
    const context = await browser.newContext(options);
    try {
      let pixels = 0;
      // The tracker never resolves: the route plays it, and counts what the browser asked of it.
      await context.route("https://tracker.example/**", (route) => {
        pixels++;
        return route.fulfill({ status: 200, contentType: "image/png", body: PNG });
      });
      const page = await context.newPage();
      const violations: string[] = [];
      page.on("console", (msg) => {
        if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
      });
      const res = await page.goto(`${url}/project/acme-pixel/`, { waitUntil: "load" });
      assert.equal(res?.status(), 200, url);
      const shown = await page.locator(".description img").evaluate((img: PageImage) => img.complete && img.naturalWidth > 0);
      return { pixels, violations, shown };
    } finally {
      await context.close();
    }
  };
  try {
    assert.deepEqual(
      built.index.projects.map((p) => p.name),
      ["acme-pixel"],
    );
    const open = await visit(publicServer.url, DESKTOP);
    assert.deepEqual(open, { pixels: 1, violations: [], shown: true }, "the public catalog shows the README as written");
    const gated = await visit(privateServer.url, { ...DESKTOP, httpCredentials: { username: "alice", password: ALICE } });
    assert.equal(gated.pixels, 0, "the browser never asked the tracker");
    assert.equal(gated.shown, false);
    assert.ok(
      gated.violations.some((v) => v.includes("https://tracker.example/pixel.png") && v.includes("img-src 'self' data:")),
      gated.violations.join("\n"),
    );
  } finally {
    await Promise.all([publicServer.close(), privateServer.close(), emu.close()]);
  }
});

test("an attested release: each file says who built it, with working links, and the project carries the Attested build badge", async () => {
  const dir = tempDir("attested-dists");
  for (const d of [makeWheel({ name: "pypi-attestations", version: "0.0.19", summary: "Attestations for PyPI" })]) writeFileSync(join(dir, d.filename), d.bytes);
  const config = validateIndexConfig({ title: "Acme packages" });
  const { index: attestedIndex } = await buildSite({ from: [dir], config });
  const built: BuildIdentity = REAL_BUILD_IDENTITY;
  const provenance = JSON.stringify({ version: 1, attestation_bundles: [] });
  for (const f of attestedIndex.projects.flatMap((p) => p.files)) f.provenance = { bytes: Buffer.from(provenance), builtBy: [built] };
  const site = join(tempDir("attested-site"), "site");
  await writeSiteToFolder(renderSite(attestedIndex, config), site);
  const attestedServer = await startServer({ root: site, port: 0 });
  try {
    const problems: string[] = [];
    await inContext(browser, DESKTOP, async (context, pages) => {
      const page = await pages.open(context, `${attestedServer.url}/project/pypi-attestations/`);
      const badge = page.locator(".page-head .badge.attested");
      assert.ok(await badge.isVisible(), "the badge shows under the name");
      assert.equal(squash(await badge.textContent()), "Attested build");
      assert.match((await badge.getAttribute("title")) ?? "", /trailofbits\/pypi-attestations release\.yml/);

      const line = page.locator("#versions .built-by");
      assert.equal(await line.count(), 1, "one file, one line");
      assert.ok(await line.isVisible(), "the built-by line is visible");
      assert.equal(squash(await line.textContent()), "built by trailofbits/pypi-attestations release.yml at v0.0.19 · provenance");
      const href = (selector: string): Promise<string> => line.locator(selector).evaluate((a: PageLink) => a.href);
      assert.equal(await href("a.build-repository"), "https://github.com/trailofbits/pypi-attestations");
      assert.equal(await href("a.build-workflow"), built.runUrl);
      assert.equal(await line.locator("code.build-ref").getAttribute("title"), "refs/tags/v0.0.19");
      // The provenance link reaches what the site serves beside the file.
      const provenanceUrl = await href("a.provenance");
      assert.equal(provenanceUrl, `${attestedServer.url}/files/pypi-attestations/pypi_attestations-0.0.19-py3-none-any.whl.provenance`);
      const served = await page.request.get(provenanceUrl);
      assert.equal(served.status(), 200);
      assert.equal(await served.text(), provenance);
      await screenshot(page, "project-attested.png");

      problems.push(...(await contrastProblems(page, "attested (light)")));
      await page.emulateMedia({ colorScheme: "dark" });
      problems.push(...(await contrastProblems(page, "attested (dark)")));

      const landing = await pages.open(context, `${attestedServer.url}/`);
      assert.equal(squash(await landing.locator('li.project[data-name="pypi-attestations"] .project-meta .attested').textContent()), "Attested build");
    });
    await inContext(browser, PHONE, async (context, pages) => {
      const page = await pages.open(context, `${attestedServer.url}/project/pypi-attestations/`);
      problems.push(...(await horizontalScroll(page, "attested on a phone")));
    });
    assert.deepEqual(problems, []);
  } finally {
    await attestedServer.close();
  }
});
