/**
 * A private index's list pages, rendered per person: the landing page (with the catalog's search
 * data), `/simple/` as HTML and as JSON. Each lists exactly the projects whose repositories the
 * person may read (generator/serving/access/gate.ts `list`), so nothing about the others, not even their
 * count, reaches them. The build writes every project's entry beside the site (never in it); the
 * static list pages of the site are never served behind the gate.
 *
 * The same rendering runs in `serve --auth github` and in the CDN's origin-request function; it
 * imports no schema library, for the edge bundle.
 */
import { LandingRows, renderLandingPage } from "../../catalog/landing-page.js";
import type { NamespaceContext } from "../../catalog/namespace-note.js";
import type { ProjectIndex } from "../../model/project.js";
import { renderRootHtml, type RootEntry } from "../../render/simple-html.js";
import { renderRootJson } from "../../render/simple-json.js";

export interface ListEntry extends RootEntry {
  /** The landing page's row for the project (HTML). */
  row: string;
}

export interface ListPages {
  version: 1;
  /** The index's title, for the landing page. */
  title: string;
  /** Every project of the index, in the index's order (normalised names, code-unit sort). */
  projects: ListEntry[];
}

/**
 * `namespaces`: the grants and their owner, so each person's landing rows say "in namespace ..." as
 * the site's do; `rows`: the rows the site's landing page was rendered from, when it was (the same
 * namespaces), so none is rendered twice.
 */
export function listPagesFor(index: ProjectIndex, title: string, namespaces: NamespaceContext = { grants: [], owner: undefined }, rows = new LandingRows(namespaces)): ListPages {
  return {
    version: 1,
    title,
    projects: index.projects.map((p) => ({ name: p.name, displayName: p.displayName, row: rows.of(p) })),
  };
}

/** The list page at `sitePath` showing only the projects in `visible`. */
export function renderListPage(pages: ListPages, sitePath: string, visible: ReadonlySet<string>): string {
  const shown = pages.projects.filter((p) => visible.has(p.name));
  if (sitePath === "simple/index.json") return renderRootJson(shown);
  if (sitePath === "simple/index.html") return renderRootHtml(shown);
  if (sitePath === "index.html")
    return renderLandingPage(
      shown.map((p) => p.row),
      shown.length,
      pages.title,
    );
  throw new Error(`internal: ${sitePath} is not a list page`);
}
