import { escapeHtml } from "../render/escape.js";

/**
 * Copy-ready install commands. The index URL is only known in the browser (the site may be served
 * under any path prefix), so each command holds a placeholder element that catalog.js fills in from
 * the page's `github-pypi:index` meta tag; without JavaScript it reads `<index-url>`.
 */
export const INDEX_URL_PLACEHOLDER = "<index-url>";
const INDEX_URL = `<span data-index-url>${escapeHtml(INDEX_URL_PLACEHOLDER)}</span>`;

export interface InstallCommand {
  /** The `id` of the `<code>` element, also the copy button's `data-copy-target`. */
  id: string;
  /** What the command is for, shown above it. */
  label: string;
  /** The command's HTML: escaped text plus the index URL placeholder. */
  html: string;
}

/** The index URL on its own, as the install sections show it. */
export function indexUrlHtml(): string {
  return `<code data-index-url>${escapeHtml(INDEX_URL_PLACEHOLDER)}</code>`;
}

/** The landing page's generic commands, for any project (the literal word `PROJECT`). */
export function landingCommands(): InstallCommand[] {
  return [
    { id: "install-pip", label: "pip", html: `pip install --index-url ${INDEX_URL} PROJECT` },
    { id: "install-uv", label: "uv", html: `uv pip install --index-url ${INDEX_URL} PROJECT` },
    { id: "install-requirements", label: "requirements.txt (first line)", html: `--index-url ${INDEX_URL}` },
  ];
}

/**
 * One project's commands; `name` is the normalised name, `latest` the version to pin (empty: no
 * pin), `sourceName` the Poetry source's name, `oneUrl` whether the index sends the names it does
 * not hold to an upstream. Every command makes the index the first place each name is looked up,
 * the dependencies' names too: a name the index holds never comes from PyPI (dependency confusion).
 */
export function projectCommands(name: string, latest: string, sourceName: string, oneUrl: boolean): InstallCommand[] {
  const n = escapeHtml(name);
  const pin = latest === "" ? n : `${n}==${escapeHtml(latest)}`;
  const source = escapeHtml(sourceName);
  // uv: with one URL the index replaces PyPI (`--default-index`); without, `--index` puts it before
  // PyPI and uv's default first-index strategy never asks PyPI for a name the index holds.
  const uv = oneUrl ? `uv add --default-index ${INDEX_URL} ${n}` : `uv add --index ${INDEX_URL} ${n}`;
  // Poetry: a primary source is searched for every name and turns the implicit PyPI off (1.8+).
  // Without one URL, PyPI comes back as supplemental: asked only for names the index has nothing for.
  let poetry = `poetry source add --priority=primary ${source} ${INDEX_URL}\n`;
  if (!oneUrl) poetry += `poetry source add --priority=supplemental PyPI\n`;
  poetry += `poetry add ${n}`;
  return [
    { id: "install-pip", label: "pip", html: `pip install --index-url ${INDEX_URL} ${n}` },
    { id: "install-uv", label: "uv", html: uv },
    { id: "install-poetry", label: "Poetry 1.8 or later", html: poetry },
    { id: "install-requirements", label: "requirements.txt", html: `--index-url ${INDEX_URL}\n${pin}` },
    {
      id: "install-conda",
      label: "Conda (environment.yml)",
      html: `dependencies:\n  - pip\n  - pip:\n      - --index-url ${INDEX_URL}\n      - ${pin}`,
    },
  ];
}

/** Each command in a captioned block with its copy button right after the `<pre>`. */
export function renderCommands(commands: InstallCommand[]): string {
  return commands
    .map(
      (c) =>
        `<figure class="command"><figcaption>${escapeHtml(c.label)}</figcaption><pre><code id="${c.id}">${c.html}</code></pre><button type="button" class="copy" data-copy-target="${c.id}">Copy</button></figure>\n`,
    )
    .join("");
}
