import { createRequire } from "node:module";
import { Marked } from "marked";
import type sanitizeHtml from "sanitize-html";
import { escapeHtml } from "../render/escape.js";

/**
 * A project's long description as HTML that is safe to put in a catalog page: Markdown rendered
 * with `marked` and then sanitised (the Markdown may carry any raw HTML); reStructuredText, plain
 * text and anything else shown as escaped preformatted text.
 */

// One parser for every page: GitHub-flavoured Markdown, synchronous.
const markdown = new Marked({ gfm: true, breaks: false, async: false });

/** The catalog page has one `<h1>` and `<h2>` sections; a description's headings go two levels below. */
const HEADING_SHIFT = 2;
const shiftHeading =
  (level: number): sanitizeHtml.Transformer =>
  (_tag, attribs) => ({ tagName: `h${Math.min(6, level + HEADING_SHIFT)}`, attribs });

const linkRel: sanitizeHtml.Transformer = (tagName, attribs) => ({
  tagName,
  attribs: { ...attribs, rel: "nofollow noopener" },
});

/** Every image gets an `alt` (empty when the description gives none: decorative, as far as we know). */
const imageAlt: sanitizeHtml.Transformer = (tagName, attribs) => ({
  tagName,
  attribs: { ...attribs, alt: attribs.alt ?? "" },
});

/**
 * Built once and reused: sanitize-html copies nothing per call. No `id`, `name` or `class` (except a
 * code block's language) so a description cannot clobber the page's own elements or styles; no
 * `style` (the CSP forbids it anyway); no event handlers (never allowed by sanitize-html).
 */
const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "div",
    "span",
    "a",
    "img",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "mark",
    "small",
    "sub",
    "sup",
    "kbd",
    "abbr",
    "code",
    "pre",
    "samp",
    "var",
    "blockquote",
    "q",
    "cite",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "colgroup",
    "col",
    "details",
    "summary",
    "figure",
    "figcaption",
    "picture",
    "source",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel"],
    img: ["src", "alt", "title", "width", "height"],
    source: ["srcset", "media", "type"],
    code: ["class"],
    ol: ["start", "reversed", "type"],
    li: ["value"],
    th: ["align", "colspan", "rowspan", "scope"],
    td: ["align", "colspan", "rowspan"],
    col: ["span"],
    colgroup: ["span"],
    abbr: ["title"],
    details: ["open"],
  },
  allowedClasses: { code: ["language-*"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["https"], source: ["https"] },
  allowedSchemesAppliedToAttributes: ["href", "src", "cite", "srcset"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Text inside these is never shown (sanitize-html's default, spelled out with the rest dropped whole).
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "template", "title", "iframe", "object", "embed", "form", "select", "svg", "math"],
  transformTags: {
    h1: shiftHeading(1),
    h2: shiftHeading(2),
    h3: shiftHeading(3),
    h4: shiftHeading(4),
    h5: shiftHeading(5),
    h6: shiftHeading(6),
    a: linkRel,
    img: imageAlt,
  },
};

/**
 * Whether a Description-Content-Type means Markdown. A missing one means reStructuredText, as the
 * core metadata spec says (it is what PyPI assumes), so it is shown as text, never as Markdown.
 */
export function isMarkdown(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.trim().toLowerCase().startsWith("text/markdown");
}

/**
 * sanitize-html (with the HTML and CSS parsers it brings) takes longer to load than a build of
 * 10,000 listed files takes to read them, and only a Markdown description needs it: required on
 * first use, not when the command starts.
 */
let sanitizer: typeof sanitizeHtml | undefined;
function sanitize(html: string): string {
  sanitizer ??= createRequire(import.meta.url)("sanitize-html") as typeof sanitizeHtml;
  return sanitizer(html, SANITIZE_OPTIONS);
}

/** The description as sanitised HTML (Markdown) or an escaped `<pre>` (everything else). */
export function renderDescription(text: string, contentType: string | undefined): string {
  if (!isMarkdown(contentType)) return `<pre class="plain-description">${escapeHtml(text)}</pre>`;
  return sanitize(markdown.parse(text, { async: false }));
}

/** Sanitises HTML with the description's rules (exported for tests). */
export function sanitizeDescriptionHtml(html: string): string {
  return sanitize(html);
}
