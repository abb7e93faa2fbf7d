/** A minimal anchor reader for our own generated pages: enough to check PEP 503 attributes. */
export interface Anchor {
  href: string;
  text: string;
  attrs: Map<string, string>;
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
export const unescapeHtml = (s: string): string => s.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m] ?? m);

export function anchors(html: string): Anchor[] {
  const out: Anchor[] = [];
  for (const m of html.matchAll(/<a\s+([^>]*)>([^<]*)<\/a>/g)) {
    const attrs = new Map<string, string>();
    for (const a of (m[1] ?? "").matchAll(/([\w-]+)="([^"]*)"/g)) attrs.set(a[1] ?? "", unescapeHtml(a[2] ?? ""));
    out.push({ href: attrs.get("href") ?? "", text: unescapeHtml(m[2] ?? ""), attrs });
  }
  return out;
}

/** Text content of an HTML fragment: tags dropped, entities decoded, whitespace squashed. */
export const textOf = (html: string): string =>
  unescapeHtml(html.replace(/<[^>]*>/g, ""))
    .replace(/\s+/g, " ")
    .trim();

/** The first element `<tag ...attr...>…</tag>` whose opening tag matches `attr` (no nesting of the same tag); throws when there is none. */
export function elementOf(html: string, tag: string, attr: string): string {
  const start = html.search(new RegExp(`<${tag}\\b[^>]*${attr}[^>]*>`));
  if (start < 0) throw new Error(`<${tag} ${attr}> is not on the page`);
  const end = html.indexOf(`</${tag}>`, start);
  if (end <= start) throw new Error(`no </${tag}> after <${tag} ${attr}>`);
  return html.slice(start, end + tag.length + 3);
}
