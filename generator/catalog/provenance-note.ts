/**
 * How the catalog shows PEP 740 provenance: under each attested file, who built it (as its
 * attestations' signing certificates say) with a link to the provenance the site serves; on the
 * project page and its landing row, a badge when every file of the latest version is attested.
 * Every name here comes from a certificate: escaped, and linked only through http(s) URLs.
 */
import type { BuildIdentity, DistributionFile } from "../model/distribution.js";
import { escapeHtml } from "../render/escape.js";
import { encodePath, provenancePath } from "../render/file-links.js";
import type { CatalogFacts } from "./catalog-facts.js";
import { httpUrl } from "./format.js";

/** `refs/tags/v1.0` → `v1.0`, `refs/heads/main` → `main`; any other ref as it is. */
export function shortRef(ref: string): string {
  const m = /^refs\/(?:tags|heads)\/(.+)$/.exec(ref);
  return m ? (m[1] as string) : ref;
}

/** `<serverUrl>/<repository>`, when the claims name an http(s) server. */
function repositoryUrl(id: BuildIdentity): string | undefined {
  const server = httpUrl(id.serverUrl);
  return server === undefined ? undefined : httpUrl(`${server.replace(/\/+$/, "")}/${encodePath(id.repository)}`);
}

/** The run when the claims name one (and only if it is http(s)); else the workflow file at the commit built. */
function workflowUrl(id: BuildIdentity): string | undefined {
  if (id.runUrl !== undefined) return httpUrl(id.runUrl);
  const repo = repositoryUrl(id);
  return repo === undefined ? undefined : `${repo}/blob/${encodePath(id.commit)}/${encodePath(id.workflowPath)}`;
}

function linkOrText(cls: string, href: string | undefined, text: string, title?: string): string {
  const t = title === undefined ? "" : ` title="${escapeHtml(title)}"`;
  return href === undefined ? `<span class="${cls}"${t}>${escapeHtml(text)}</span>` : `<a class="${cls}" href="${escapeHtml(href)}"${t} rel="nofollow noopener">${escapeHtml(text)}</a>`;
}

/** `built by <repository> <workflow> at <ref>`, as HTML. */
function identityHtml(id: BuildIdentity): string {
  const repo = linkOrText("build-repository", repositoryUrl(id), id.repository);
  const workflow = linkOrText("build-workflow", workflowUrl(id), id.workflow, id.workflowPath);
  return `built by ${repo} ${workflow} at <code class="build-ref" title="${escapeHtml(id.ref)}">${escapeHtml(shortRef(id.ref))}</code>`;
}

/**
 * The line under an attested file in the versions table: each distinct identity once (a file's
 * attestations often come from one run), then its provenance, linked from `project/<name>/` as
 * the page links the site's files. Empty for a file without provenance.
 */
export function builtByHtml(file: DistributionFile): string {
  if (!file.provenance) return "";
  const lines = [...new Set(file.provenance.builtBy.map(identityHtml))];
  const link = `<a class="provenance" href="../../${escapeHtml(encodePath(provenancePath(file)))}">provenance</a>`;
  return `<p class="built-by">${lines.length === 0 ? link : `${lines.join("; ")} · ${link}`}</p>`;
}

/**
 * What the "Attested build" badge's title says when every file of the latest version has
 * provenance (the repositories and workflows that built them); undefined otherwise.
 */
export function attestedBuildTitle(f: CatalogFacts): string | undefined {
  if (f.latest === "") return undefined;
  const files = f.releases.find((r) => r.version === f.latest)?.files ?? [];
  if (files.length === 0 || !files.every((file) => file.provenance !== undefined)) return undefined;
  const builders = [...new Set(files.flatMap((file) => file.provenance?.builtBy ?? []).map((id) => `${id.repository} ${id.workflow}`))];
  const by = builders.length === 0 ? "" : `: built by ${builders.join(", ")}`;
  return `Every file of version ${f.latest} is attested${by}`;
}

/** The badge, in an element of class `cls`; empty when the latest version is not wholly attested. */
export function attestedBadge(f: CatalogFacts, cls: string): string {
  const title = attestedBuildTitle(f);
  return title === undefined ? "" : `<span class="${cls}" title="${escapeHtml(title)}">Attested build</span>`;
}
