import { normalizeName } from "../names/normalize.js";
import type { DistributionFile } from "../model/distribution.js";
import { escapeHtml } from "../render/escape.js";
import { encodePath } from "../render/file-links.js";
import type { CatalogFacts, Release } from "./catalog-facts.js";
import { renderDescription } from "./description.js";
import { statusNotice } from "./status-notice.js";
import { httpUrl, humanSize, isoTime, truncate } from "./format.js";
import { indexUrlHtml, projectCommands, renderCommands } from "./install-commands.js";
import { renderPage } from "./layout.js";
import { namespaceText, type CatalogNamespace } from "./namespace-note.js";
import { attestedBadge, builtByHtml } from "./provenance-note.js";

/** What a project page needs besides the project's own facts. */
export interface ProjectPageContext {
  /** The index title (page titles and the header). */
  title: string;
  /** The name install commands give this index's Poetry source. */
  sourceName: string;
  /** Normalised names of every project in the index, to link dependencies that are here too. */
  projectNames: ReadonlySet<string>;
  /** The index sends the names it does not hold to an upstream (one URL): its install commands need no PyPI of their own. */
  oneUrl: boolean;
}

const LICENSE_MAX = 200;

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}" rel="nofollow noopener">${escapeHtml(text)}</a>`;
}

function time(iso: string | undefined): string {
  const t = isoTime(iso);
  return t === undefined ? "" : `<time datetime="${t}">${t.slice(0, 10)}</time>`;
}

function fact(term: string, definition: string): string {
  return `<div><dt>${term}</dt><dd>${definition}</dd></div>\n`;
}

/** `Project-URL: Label, URL` entries (plus Home-Page), links only for http(s). */
function projectLinks(f: CatalogFacts): string[] {
  const items: string[] = [];
  const seen = new Set<string>();
  const add = (label: string, url: string): void => {
    const key = url.trim();
    if (key === "" || seen.has(key)) return;
    seen.add(key);
    const href = httpUrl(key);
    items.push(href ? `<li>${link(href, label)}</li>` : `<li>${escapeHtml(label)}: ${escapeHtml(key)}</li>`);
  };
  if (f.homePage) add("Home page", f.homePage);
  for (const entry of f.projectUrls) {
    const comma = entry.indexOf(",");
    if (comma < 0) add(entry.trim(), entry);
    else add(entry.slice(0, comma).trim() || entry.slice(comma + 1).trim(), entry.slice(comma + 1));
  }
  return items;
}

function facts(f: CatalogFacts): string {
  const latest = f.releases.find((r) => r.version === f.latest);
  // No latest when no version is installable by any Python.
  let out = latest ? fact("Latest version", `<span class="version">${escapeHtml(f.latest)}</span>${releaseBadges(latest)}`) : "";
  if (f.requiresPython) out += fact("Requires-Python", `<code>${escapeHtml(f.requiresPython)}</code>`);
  if (f.license) out += fact("License", escapeHtml(truncate(f.license.split("\n")[0] ?? "", LICENSE_MAX)));
  if (f.repository) {
    const href = httpUrl(f.repositoryUrl);
    out += fact("Repository", href ? `<a class="repository" href="${escapeHtml(href)}">${escapeHtml(f.repository)}</a>` : escapeHtml(f.repository));
  }
  const uploaded = time(f.lastUpload);
  if (uploaded !== "") out += fact("Last upload", uploaded);
  const links = projectLinks(f);
  if (links.length > 0) out += fact("Project links", `<ul class="links">${links.join("")}</ul>`);
  return `<dl class="facts">\n${out}</dl>\n`;
}

const REQUIREMENT_NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;

/** One Requires-Dist line: the name (a link when this index has the project), then the rest as text. */
export function dependencyItem(requirement: string, projectNames: ReadonlySet<string>): string {
  const m = REQUIREMENT_NAME.exec(requirement);
  if (!m) return `<li class="dependency">${escapeHtml(requirement.trim())}</li>`;
  const name = m[1] as string;
  const rest = requirement.slice(m[0].length).trim();
  const normalised = normalizeName(name);
  const label = projectNames.has(normalised) ? `<a href="../${escapeHtml(normalised)}/">${escapeHtml(name)}</a>` : `<span class="dependency-name">${escapeHtml(name)}</span>`;
  return `<li class="dependency">${label}${rest === "" ? "" : ` <span class="requirement">${escapeHtml(rest)}</span>`}</li>`;
}

function dependencies(f: CatalogFacts, projectNames: ReadonlySet<string>): string {
  const body = f.requiresDist.length === 0 ? `<p class="empty">No dependencies.</p>` : `<ul class="dependencies">\n${f.requiresDist.map((r) => dependencyItem(r, projectNames)).join("\n")}\n</ul>`;
  const of = f.latest === "" ? "" : `<p class="note">Requirements of version ${escapeHtml(f.latest)}.</p>\n`;
  return `<section id="dependencies" aria-labelledby="dependencies-heading">
<h2 id="dependencies-heading">Dependencies</h2>
${of}${body}
</section>
`;
}

function releaseBadges(r: Release): string {
  let out = "";
  if (r.preRelease) out += ` <span class="badge pre">pre-release</span>`;
  if (r.yanked) out += ` <span class="badge yanked">yanked</span>`;
  return out;
}

/** A file's link from `project/<name>/`: site files are two levels up; other URLs as the simple page has them. */
function fileCell(file: DistributionFile, projectName: string, releaseYanked: boolean): string {
  const name = escapeHtml(file.filename);
  let cell = `<span class="filename">${name}</span>`;
  if (file.location.kind === "site") {
    cell = `<a class="filename" href="../../${escapeHtml(encodePath(file.location.path))}">${name}</a>`;
  } else if (file.parsed.kind !== "vcs") {
    const href = urlFromProjectPage(file.location.url, projectName);
    if (href !== undefined) cell = `<a class="filename" href="${escapeHtml(href)}">${name}</a>`;
  }
  if (file.yanked !== undefined && !releaseYanked) {
    const reason = typeof file.yanked === "string" && file.yanked !== "" ? ` <span class="yank-reason">${escapeHtml(file.yanked)}</span>` : "";
    cell += ` <span class="badge yanked">yanked</span>${reason}`;
  }
  return cell + builtByHtml(file);
}

/**
 * A file URL as written on `simple/<name>/`, rewritten for `project/<name>/`: absolute http(s)
 * URLs stay, site-relative ones are re-rooted, anything else (git, other schemes) is not a link.
 */
function urlFromProjectPage(url: string, projectName: string): string | undefined {
  const absolute = httpUrl(url);
  if (absolute !== undefined) return absolute;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("//")) return undefined;
  const base = new URL(`https://site.invalid/simple/${encodeURIComponent(projectName)}/`);
  let resolved: URL;
  try {
    resolved = new URL(url, base);
  } catch {
    return undefined;
  }
  if (resolved.origin !== base.origin) return undefined;
  return `../..${resolved.pathname}${resolved.search}${resolved.hash}`;
}

function versionsTable(f: CatalogFacts): string {
  const groups = f.releases
    .map((r) => {
      const latest = r.version === f.latest ? ` <span class="badge latest">latest</span>` : "";
      const reason = r.yanked && r.yankReason ? ` <span class="yank-reason">${escapeHtml(r.yankReason)}</span>` : "";
      const when = time(r.uploadTime);
      const head = `<tr class="release-head"><th scope="rowgroup" colspan="4"><span class="release-version">${escapeHtml(r.version)}</span>${latest}${releaseBadges(r)}${reason}${when === "" ? "" : ` ${when}`}</th></tr>`;
      const rows = r.files
        .map((file) => {
          const size = humanSize(file.size) ?? "";
          const sha = file.hashes.sha256 ? `<code class="sha256">${escapeHtml(file.hashes.sha256)}</code>` : "";
          return `<tr><td>${fileCell(file, f.name, r.yanked)}</td><td>${escapeHtml(file.parsed.kind)}</td><td class="size">${size}</td><td>${sha}</td></tr>`;
        })
        .join("\n");
      return `<tbody class="release${r.yanked ? " is-yanked" : ""}" data-version="${escapeHtml(r.version)}">\n${head}\n${rows}\n</tbody>`;
    })
    .join("\n");
  return `<section id="versions" aria-labelledby="versions-heading">
<h2 id="versions-heading">Versions</h2>
<div class="table-wrap" role="region" aria-labelledby="versions-heading" tabindex="0">
<table class="versions">
<thead><tr><th scope="col">File</th><th scope="col">Kind</th><th scope="col">Size</th><th scope="col">SHA-256</th></tr></thead>
${groups}
</table>
</div>
</section>
`;
}

function description(f: CatalogFacts): string {
  let body = `<p class="empty">No description.</p>`;
  if (f.description) {
    const note = f.description.version === f.latest ? "" : `<p class="note">From version ${escapeHtml(f.description.version)}.</p>\n`;
    body = `${note}<div class="description">\n${renderDescription(f.description.text, f.description.contentType)}\n</div>`;
  }
  return `<section id="description" aria-labelledby="description-heading">
<h2 id="description-heading">Description</h2>
${body}
</section>
`;
}

/** What the page offers: facts, install commands, dependencies, description, versions. A quarantined project offers nothing. */
function offered(f: CatalogFacts, context: ProjectPageContext): string {
  return `${facts(f)}<section id="install" class="install" aria-labelledby="install-heading">
<h2 id="install-heading">Install</h2>
<p class="index-url">Index URL: ${indexUrlHtml()}</p>
<div class="commands">
${renderCommands(projectCommands(f.name, f.latest, context.sourceName, context.oneUrl))}</div>
</section>
${dependencies(f, context.projectNames)}${description(f)}${versionsTable(f)}`;
}

/**
 * `project/<name>/index.html`: under the name a badge when the latest version's files are all
 * attested and its namespace when it has one, a status notice when not active, then what the
 * project offers.
 */
export function renderProjectPage(f: CatalogFacts, context: ProjectPageContext, namespace?: CatalogNamespace): string {
  const header = `<header class="site-header">
<nav aria-label="Site"><a href="../../">All projects</a></nav>
<span class="site-name">${escapeHtml(context.title)}</span>
</header>
`;
  const attested = attestedBadge(f, "badge attested");
  const main = `<div class="page-head">
<h1>${escapeHtml(f.displayName)}</h1>
${attested === "" ? "" : `<p class="attested">${attested}</p>\n`}${namespace ? `<p class="lede namespace">${namespaceText(namespace)}</p>\n` : ""}${f.summary ? `<p class="summary">${escapeHtml(f.summary)}</p>\n` : ""}</div>
${statusNotice(f.status)}${f.status?.status === "quarantined" ? "" : offered(f, context)}`;
  const page: Parameters<typeof renderPage>[0] = {
    title: `${f.displayName} — ${context.title}`,
    root: "../../",
    bodyClass: "project-page",
    header,
    main,
  };
  if (f.summary) page.description = truncate(f.summary, 300);
  return renderPage(page);
}
