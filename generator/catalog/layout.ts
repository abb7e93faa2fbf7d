import { escapeHtml } from "../render/escape.js";

/**
 * The shell every catalog page shares. Only relative URLs (the site may be served under any path
 * prefix, e.g. GitHub Pages' `/<repo>/`), and a Content-Security-Policy that allows no inline script
 * or style: everything dynamic lives in `assets/catalog.js`, everything visual in `assets/catalog.css`.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; object-src 'none'; base-uri 'none'; form-action 'none'";

/** Site-relative paths of the shared assets. */
export const CATALOG_CSS_PATH = "assets/catalog.css";
export const CATALOG_JS_PATH = "assets/catalog.js";
/** Browsers ask for `/favicon.ico` (outside any path prefix) unless the page names an icon. */
export const CATALOG_ICON_PATH = "assets/favicon.svg";

export interface PageShell {
  /** The `<title>`, as plain text. */
  title: string;
  /** Plain text for `<meta name="description">`, when there is something to say. */
  description?: string;
  /** The relative way back to the site root from this page: `""` or `"../../"`. */
  root: string;
  /** A class for `<body>`, to style the page kinds apart. */
  bodyClass: string;
  /** HTML before `<main>` (site header, navigation). */
  header: string;
  /** The HTML inside `<main id="main">`. */
  main: string;
}

export function renderPage(page: PageShell): string {
  const description = page.description ? `<meta name="description" content="${escapeHtml(page.description)}">\n` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="strict-origin-when-cross-origin">
<meta name="color-scheme" content="light dark">
<meta name="github-pypi:index" content="${page.root}simple/">
${description}<title>${escapeHtml(page.title)}</title>
<link rel="icon" href="${page.root}${CATALOG_ICON_PATH}" type="image/svg+xml">
<link rel="stylesheet" href="${page.root}${CATALOG_CSS_PATH}">
<script src="${page.root}${CATALOG_JS_PATH}" defer></script>
</head>
<body class="${page.bodyClass}">
<a class="skip" href="#main">Skip to content</a>
${page.header}<main id="main">
${page.main}</main>
<div id="announcer" class="visually-hidden" role="status" aria-live="polite"></div>
</body>
</html>
`;
}
