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
