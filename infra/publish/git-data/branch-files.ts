/** Reading the pages branch: its tip, and every file on it with its blob id. */
import { isGitHubError, type GitDataApi } from "./git-data-api.js";

export interface Tip {
  commit: string;
  tree: string;
}

export function encodeBranch(branch: string): string {
  return branch.split("/").map(encodeURIComponent).join("/");
}

/** The branch's commit and tree; undefined when the branch does not exist. */
export async function readTip(api: GitDataApi, branch: string): Promise<Tip | undefined> {
  let ref: { object: { sha: string } };
  try {
    ref = await api.call("GET", `/git/ref/heads/${encodeBranch(branch)}`);
  } catch (e) {
    if (isGitHubError(e, 404)) return undefined;
    throw e;
  }
  const commit = await api.call<{ sha: string; tree: { sha: string } }>("GET", `/git/commits/${ref.object.sha}`);
  return { commit: commit.sha, tree: commit.tree.sha };
}

type Listing = { tree: { path: string; type: string; sha: string }[]; truncated: boolean };

/** Every file on the branch: path -> blob id. Walks folder by folder if GitHub truncates the recursive listing. */
export async function readFiles(api: GitDataApi, tree: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const full = await api.call<Listing>("GET", `/git/trees/${tree}?recursive=1`);
  if (!full.truncated) {
    for (const e of full.tree) if (e.type === "blob") files.set(e.path, e.sha);
    return files;
  }
  const pending: [string, string][] = [["", tree]];
  while (pending.length > 0) {
    const [prefix, sha] = pending.pop() as [string, string];
    const level = await api.call<Listing>("GET", `/git/trees/${sha}`);
    for (const e of level.tree) {
      const path = prefix ? `${prefix}/${e.path}` : e.path;
      if (e.type === "blob") files.set(path, e.sha);
      else if (e.type === "tree") pending.push([path, e.sha]);
    }
  }
  return files;
}
