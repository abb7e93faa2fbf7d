import { escapeHtml } from "../render/escape.js";
import type { Project } from "../model/project.js";
import { catalogFacts, type CatalogFacts } from "./catalog-facts.js";
import { statusBadge } from "./status-notice.js";
import { httpUrl, isoTime, truncate } from "./format.js";
import { indexUrlHtml, landingCommands, renderCommands } from "./install-commands.js";
import { renderPage } from "./layout.js";
import { catalogNamespace, namespaceText, type CatalogNamespace, type NamespaceContext } from "./namespace-note.js";
import { attestedBadge } from "./provenance-note.js";

/** Landing-page summaries are cut at this many characters (the project page has the whole text). */
export const SUMMARY_MAX = 200;

/** `5 projects`, `1 project`. */
export function projectCount(n: number): string {
  return `${n} project${n === 1 ? "" : "s"}`;
}

/**
 * One compact list item per project (a few hundred bytes: an index may hold thousands). The
 * `data-search` text is what catalog.js filters on: name, display name and summary, lower-cased.
 */
export function landingRow(f: CatalogFacts, namespace?: CatalogNamespace): string {
  const summary = f.summary ? truncate(f.summary, SUMMARY_MAX) : "";
  const display = f.displayName.toLowerCase();
  const search = [f.name, display === f.name ? "" : display, summary.toLowerCase()].filter((s) => s !== "").join(" ");
  const name = escapeHtml(f.name);
  let row = `<li class="project" data-name="${name}" data-search="${escapeHtml(search)}"><a class="project-name" href="project/${name}/">${escapeHtml(f.displayName)}</a>`;
  if (f.latest !== "") row += ` <span class="version">${escapeHtml(f.latest)}</span>`;
  row += statusBadge(f.status);
  if (summary !== "") row += `<p class="summary">${escapeHtml(summary)}</p>`;
  const meta: string[] = [];
  if (namespace) meta.push(`<span class="namespace">${namespaceText(namespace)}</span>`);
  if (f.requiresPython) meta.push(`<span class="requires-python">${escapeHtml(f.requiresPython)}</span>`);
  const uploaded = isoTime(f.lastUpload);
  if (uploaded !== undefined) meta.push(`<time class="uploaded" datetime="${uploaded}">${uploaded.slice(0, 10)}</time>`);
  if (f.repository) {
    const href = httpUrl(f.repositoryUrl);
    const repo = escapeHtml(f.repository);
    meta.push(href ? `<a class="repository" href="${escapeHtml(href)}">${repo}</a>` : `<span class="repository">${repo}</span>`);
  }
  const attested = attestedBadge(f, "attested");
  if (attested !== "") meta.push(attested);
  if (meta.length > 0) row += `<p class="project-meta">${meta.join(" ")}</p>`;
  return `${row}</li>\n`;
}

/**
 * Each project's landing row, rendered once a build and kept (a few hundred bytes a project, where
 * its facts would be a copy of the index): the site's landing page and a private index's list pages
 * (generator/serving/access/list-pages.ts) show the same rows, and a project page hands over the facts it
 * derived for itself, so a project's facts are derived once.
 */
export class LandingRows {
  private readonly rows = new Map<Project, string>();

  constructor(private readonly namespaces: NamespaceContext) {}

  /** The project's row, from `facts` when the caller has them. */
  of(project: Project, facts?: CatalogFacts): string {
    let row = this.rows.get(project);
    if (row === undefined) {
      row = landingRow(facts ?? catalogFacts(project), catalogNamespace(project, this.namespaces));
      this.rows.set(project, row);
    }
    return row;
  }
}

/**
 * `index.html`: the projects' rows (complete without JavaScript), a search box and generic
 * install commands. A private index renders it per person, from the rows of the projects they may read.
 */
export function renderLandingPage(projectRows: Iterable<string>, projectsShown: number, title: string): string {
  const count = projectCount(projectsShown);
  let rows = "";
  for (const row of projectRows) rows += row;
  const list = projectsShown === 0 ? `<ul id="projects"></ul>\n<p class="empty">This index holds no projects yet.</p>\n` : `<ul id="projects">\n${rows}</ul>\n`;
  const main = `<div class="page-head">
<h1>${escapeHtml(title)}</h1>
<p class="lede">A Python package index with ${count}. Point pip, uv or Poetry at it and install as usual.</p>
</div>
<section id="install" class="install" aria-labelledby="install-heading">
<h2 id="install-heading">Install from this index</h2>
<p class="index-url">Index URL: ${indexUrlHtml()}</p>
<div class="commands">
${renderCommands(landingCommands())}</div>
</section>
<section class="catalog" aria-labelledby="projects-heading">
<h2 id="projects-heading">Projects</h2>
<div class="search" role="search">
<label for="search">Search projects</label>
<input id="search" type="search" autocomplete="off" spellcheck="false" placeholder="Name or summary (press /)" aria-describedby="result-count">
<p id="result-count" aria-live="polite">${count}</p>
</div>
${list}</section>
`;
  return renderPage({ title, root: "", bodyClass: "landing", header: "", main });
}
