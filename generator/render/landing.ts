import type { ProjectIndex } from "../model/project-index.js";
import { escapeHtml } from "./escape.js";

/** A plain human landing page: what is here and how to install it (the catalog builds on this). */
export function renderLanding(index: ProjectIndex, title: string): string {
  const rows = index.projects
    .map((p) => {
      const latest = p.versions[p.versions.length - 1] ?? "";
      const newest = [...p.files].reverse().find((f) => f.metadata?.summary);
      const summary = newest?.metadata?.summary ?? "";
      return `      <li><a href="simple/${escapeHtml(p.name)}/">${escapeHtml(p.displayName)}</a> <span class="version">${escapeHtml(latest)}</span>${summary ? ` — ${escapeHtml(summary)}` : ""}</li>\n`;
    })
    .join("");
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(title)}</title>
  </head>
  <body>
    <h1>${escapeHtml(title)}</h1>
    <p>${index.projects.length} projects. Install with <code>pip install --index-url &lt;this site&gt;/simple/ NAME</code>.</p>
    <ul>
${rows}    </ul>
  </body>
</html>
`;
}
