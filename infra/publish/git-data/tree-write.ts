/** Turning a plan into one new tree: changed files as tree entries (text inline, binaries as blobs), deletions as null entries. */
import { mapLimit } from "../../../generator/util/pool.js";
import { readSiteFile } from "../../providers/site-file.js";
import type { GitDataApi } from "./git-data-api.js";
import type { PublicationInputs, PublishFigures } from "./publication-types.js";

const MODE = "100644";
/** Text up to this size travels inline in the tree request (no blob request). */
const INLINE_LIMIT = 512 * 1024;
/** One create-tree request carries at most this many entries or bytes; larger sites chain requests through base_tree. */
const TREE_CHUNK_ENTRIES = 5000;
const TREE_CHUNK_BYTES = 8 * 1024 * 1024;
/** GitHub refuses blobs over 100 MiB. */
const MAX_BLOB_BYTES = 100 * 1024 * 1024;
const BLOB_CONCURRENCY = 4;

export interface Plan {
  added: string[];
  changed: string[];
  deleted: string[];
}

interface TreeEntry {
  path: string;
  mode: string;
  type: string;
  sha?: string | null;
  content?: string;
}

/** UTF-8 text travels inline; anything else (wheels, sdists) needs a blob. */
function asInlineText(bytes: Buffer): string | undefined {
  if (bytes.length > INLINE_LIMIT) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Tree entries for a plan; blobs already on GitHub (from an earlier round) are reused. */
export async function entriesFor(api: GitDataApi, inputs: PublicationInputs, p: Plan, uploaded: Set<string>, figures: PublishFigures): Promise<TreeEntry[]> {
  const writes = [...p.added, ...p.changed];
  const entries = await mapLimit(writes, BLOB_CONCURRENCY, async (path): Promise<TreeEntry> => {
    const sha = inputs.files[path] as string;
    if (uploaded.has(sha)) return { path, mode: MODE, type: "blob", sha };
    const bytes = await readSiteFile("publication", inputs.siteDir, path, { kind: "git-blob", hex: sha });
    if (bytes.length > MAX_BLOB_BYTES) throw new Error(`publication: ${path} is ${bytes.length} bytes; GitHub refuses files over 100 MiB (use files: link for such distributions)`);
    const text = asInlineText(bytes);
    if (text !== undefined) return { path, mode: MODE, type: "blob", content: text };
    const blob = await api.call<{ sha: string }>("POST", "/git/blobs", { content: bytes.toString("base64"), encoding: "base64" });
    if (blob.sha !== sha) throw new Error(`publication: GitHub stored ${path} as blob ${blob.sha}, expected ${sha}`);
    uploaded.add(sha);
    figures.blobs++;
    return { path, mode: MODE, type: "blob", sha };
  });
  for (const path of p.deleted) entries.push({ path, mode: MODE, type: "blob", sha: null });
  return entries;
}

/** One tree from base + entries; very large change sets chain several requests through base_tree. */
export async function writeTree(api: GitDataApi, base: string | undefined, entries: TreeEntry[]): Promise<string> {
  if (entries.length === 0) {
    const made = await api.call<{ sha: string }>("POST", "/git/trees", base ? { base_tree: base, tree: [] } : { tree: [] });
    return made.sha;
  }
  let tree = base;
  let i = 0;
  while (i < entries.length) {
    const chunk: TreeEntry[] = [];
    let bytes = 0;
    while (i < entries.length && chunk.length < TREE_CHUNK_ENTRIES) {
      const e = entries[i] as TreeEntry;
      const size = (e.content?.length ?? 0) + e.path.length + 64;
      if (chunk.length > 0 && bytes + size > TREE_CHUNK_BYTES) break;
      chunk.push(e);
      bytes += size;
      i++;
    }
    const made = await api.call<{ sha: string }>("POST", "/git/trees", tree ? { base_tree: tree, tree: chunk } : { tree: chunk });
    tree = made.sha;
  }
  return tree as string;
}
