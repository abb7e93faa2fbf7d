/** One key of a provider's keyed state (a path of the site) that an update adds, changes or removes. */
export interface KeyedChange {
  key: string;
  kind: "add" | "update" | "delete";
}

/** What differs between two keyed records, sorted by key; `same` says when two entries need no write. */
export function keyedChanges<V>(olds: Record<string, V>, news: Record<string, V>, same: (a: V, b: V) => boolean): KeyedChange[] {
  const out: KeyedChange[] = [];
  for (const [key, want] of Object.entries(news)) {
    if (!Object.hasOwn(olds, key)) out.push({ key, kind: "add" });
    else if (!same(olds[key] as V, want)) out.push({ key, kind: "update" });
  }
  for (const key of Object.keys(olds)) if (!Object.hasOwn(news, key)) out.push({ key, kind: "delete" });
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
