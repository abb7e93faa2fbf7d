/**
 * Real headless Chromium for the catalog's browser tests (playwright-core drives the system's
 * Chromium; no browser is downloaded). Every page opened through `PageWatch` records console
 * errors, uncaught exceptions, dialogs and failed responses, so a test can assert the page ran
 * cleanly.
 *
 * In-page code: the project compiles without the DOM lib, and tsx wraps named inner functions in
 * `__name(...)`, which does not exist in the page. So page functions stay small and anonymous, and
 * the one larger audit (contrast) is a plain JavaScript string.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { repoRoot } from "./paths.js";

/** Screenshots land here (git-ignored: test/artifacts/). */
export const artifactsDir = join(repoRoot, "test/artifacts/catalog");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    // The tests run as root, where Chromium's sandbox cannot start.
    args: ["--no-sandbox"],
  });
}

/**
 * Chromium asks for /favicon.ico by itself when a page declares no icon, once per browser and at a
 * moment no test controls; the site has none, so that 404 is not the page's doing.
 */
function isFavicon(url: string): boolean {
  return url.endsWith("/favicon.ico");
}

/**
 * Chromium fetches a page's declared icon on its own schedule (again after a `history.replaceState`),
 * so a navigation the test makes can abort that fetch. Only the abort is forgiven: an icon that is
 * missing still shows as its 4xx response.
 */
function isAbortedIcon(url: string, errorText: string | undefined): boolean {
  return errorText === "net::ERR_ABORTED" && /\/favicon\.(ico|svg)$/.test(new URL(url).pathname);
}

/** Collects everything that means "this page did not run cleanly", across the pages it watches. */
export class PageWatch {
  readonly problems: string[] = [];

  watch(page: Page): Page {
    page.on("console", (msg) => {
      if (msg.type() !== "error") return;
      const where = msg.location().url;
      if (isFavicon(where)) return;
      this.problems.push(`${page.url()}: console error: ${msg.text()}${where ? ` (${where})` : ""}`);
    });
    page.on("pageerror", (err) => this.problems.push(`${page.url()}: uncaught ${err.name}: ${err.message}`));
    page.on("dialog", (dialog) => {
      this.problems.push(`${page.url()}: ${dialog.type()} dialog opened: ${JSON.stringify(dialog.message())}`);
      dialog.dismiss().catch(() => undefined);
    });
    page.on("response", (res) => {
      if (res.status() >= 400 && !isFavicon(res.url())) this.problems.push(`${page.url()}: ${res.status()} for ${res.url()}`);
    });
    page.on("requestfailed", (req) => {
      const error = req.failure()?.errorText;
      if (isAbortedIcon(req.url(), error)) return;
      this.problems.push(`${page.url()}: request failed: ${req.url()} (${error ?? "?"})`);
    });
    return page;
  }

  async open(context: BrowserContext, url: string): Promise<Page> {
    const page = this.watch(await context.newPage());
    const res = await page.goto(url, { waitUntil: "load" });
    assert.equal(res?.status(), 200, `GET ${url}`);
    return page;
  }

  assertNoErrors(): void {
    assert.deepEqual(this.problems, [], `pages reported problems:\n${this.problems.join("\n")}`);
  }
}

/** Runs `body` in a fresh context, closes it, then fails on anything the pages reported. */
export async function inContext(browser: Browser, options: Parameters<Browser["newContext"]>[0], body: (context: BrowserContext, pages: PageWatch) => Promise<void>): Promise<void> {
  const context = await browser.newContext(options);
  // Fail fast: a missing element should not hold a test for playwright's default 30 s.
  context.setDefaultTimeout(5000);
  const pages = new PageWatch();
  try {
    await body(context, pages);
  } finally {
    await context.close();
  }
  pages.assertNoErrors();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface ContrastSample {
  /** tag#id.class of the element whose own text was measured. */
  element: string;
  text: string;
  color: string;
  /** The effective background after compositing translucent layers; "image" if a background image is in the way. */
  background: string;
  /** null when a background image makes it unmeasurable. */
  ratio: number | null;
  /** WCAG 2 AA: 4.5, or 3 for large text (24px, or 18.66px bold). */
  required: number;
  link: boolean;
}

/**
 * WCAG contrast of every visible element that holds text of its own. Colours are normalised
 * through a 1×1 canvas, so any CSS colour syntax (rgb, oklch, color-mix results...) works; the
 * background is found by walking up to the first opaque background colour, compositing
 * translucent ones over it (the page canvas colour if none is opaque).
 */
const CONTRAST_AUDIT = String.raw`(() => {
  const canvas = document.createElement("canvas");
  canvas.width = 1;
  canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const rgba = (css) => {
    const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/.exec(css);
    if (m) {
      const a = m[4] === undefined ? 1 : m[5] ? Number(m[4]) / 100 : Number(m[4]);
      return [Number(m[1]), Number(m[2]), Number(m[3]), a];
    }
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = "rgba(0, 0, 0, 0)";
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const show = (c) => "rgb(" + c.slice(0, 3).map((v) => Math.round(v)).join(", ") + ")";
  const probe = document.createElement("div");
  probe.style.backgroundColor = "Canvas";
  document.body.appendChild(probe);
  const pageCanvas = rgba(getComputedStyle(probe).backgroundColor);
  probe.remove();
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage !== "none") return null;
      const c = rgba(s.backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let base = layers.length > 0 && layers[layers.length - 1][3] >= 1 ? layers.pop() : pageCanvas;
    while (layers.length > 0) base = over(layers.pop(), base);
    return base;
  };
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const x = v / 255;
      return x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const out = [];
  for (const el of [document.body, ...document.body.querySelectorAll("*")]) {
    const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
    if (!own) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || r.right <= 0 || r.bottom <= 0) continue;
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    const bold = Number(s.fontWeight) >= 700;
    const required = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + Array.from(el.classList).map((c) => "." + c).join("");
    const bg = background(el);
    const base = { element: name, text: own.slice(0, 40), color: s.color, required, link: el.closest("a") !== null };
    if (bg === null) {
      out.push({ ...base, background: "image", ratio: null });
      continue;
    }
    const fg = over(rgba(s.color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    out.push({ ...base, background: show(bg), ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100 });
  }
  return out;
})()`;

export function contrastAudit(page: Page): Promise<ContrastSample[]> {
  return page.evaluate<ContrastSample[]>(CONTRAST_AUDIT);
}
