/**
 * The catalog's shared stylesheet, script and icon (generator/catalog/assets/), written to the
 * site as `assets/catalog.css`, `assets/catalog.js` and `assets/favicon.svg`. No external fonts,
 * no CDNs, nothing inline (the pages' CSP forbids it). They are real files so that editors,
 * linters and browsers' devtools see CSS and JavaScript, not a string.
 *
 * Colours meet WCAG AA (4.5:1) for text in both schemes; the pairs were checked:
 * light text #1f2328 on #ffffff/#f6f8fa/#eff2f5 >= 14:1, muted #59636e on #f6f8fa 5.7:1 (on #eff2f5 5.4:1),
 * links #0550ae on #eff2f5 6.8:1, badges >= 6.6:1; dark text #e6edf3 on #0d1117/#161b22 >= 14:1,
 * muted #9198a1 on #1f2630 5.2:1, links #58a6ff on #1f2630 6.0:1, badges >= 7.5:1.
 */

import { readFileSync } from "node:fs";

// From the package root, so the path holds for the sources and for the compiled command (dist/cli/) alike.
const ASSETS = new URL("../../generator/catalog/assets/", import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, ASSETS), "utf8");

export const CATALOG_CSS = read("catalog.css");
/** A package (a cube) on the link colour: the browser tab's icon. */
export const CATALOG_ICON = read("favicon.svg");
export const CATALOG_JS = read("catalog.js");
