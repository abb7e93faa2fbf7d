/**
 * Publishing a built site to a branch as ONE commit through GitHub's Git Data API: one tree, one
 * commit, one fast-forward ref update, retried from a fresh read when someone else won the race.
 */
import { keyedChanges } from "../../providers/keyed-changes.js";
import { encodeBranch, readFiles, readTip } from "./branch-files.js";
import { gitDataApi, isGitHubError, type GitDataApi } from "./git-data-api.js";
import type { PublicationInputs, PublicationOutputs, PublishFigures } from "./publication-types.js";
import { entriesFor, writeTree, type Plan } from "./tree-write.js";

/** Rounds before giving up when other writers keep moving the branch. */
const MAX_ATTEMPTS = 5;
const RACE_BACKOFF_MS = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function openApi(p: Pick<PublicationInputs, "apiUrl" | "owner" | "repository">, token: string | undefined): GitDataApi {
  return gitDataApi(p.apiUrl, p.owner, p.repository, token);
}

function plan(desired: Record<string, string>, remote: Map<string, string>): Plan {
  const p: Plan = { added: [], changed: [], deleted: [] };
  const bucket = { add: p.added, update: p.changed, delete: p.deleted };
  for (const c of keyedChanges(Object.fromEntries(remote), desired, (a, b) => a === b)) bucket[c.kind].push(c.key);
  return p;
}

/** GitHub's answers when the ref moved under us (lost race) or appeared since we read it. */
function lostRace(e: unknown): boolean {
  return isGitHubError(e, 422) && /fast forward|already exists|does not exist/i.test(e.githubMessage);
}

function describeCommit(message: string, p: Plan): string {
  return `${message}\n\n${p.added.length} added, ${p.changed.length} changed, ${p.deleted.length} deleted.\n`;
}

export async function publish(inputs: PublicationInputs, token: string | undefined): Promise<PublicationOutputs> {
  const api = openApi(inputs, token);
  const uploaded = new Set<string>();
  const figures: PublishFigures = { added: 0, changed: 0, deleted: 0, blobs: 0, requests: 0, attempts: 0 };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    figures.attempts = attempt;
    const tip = await readTip(api, inputs.branch);
    const remote = tip ? await readFiles(api, tip.tree) : new Map<string, string>();
    const p = plan(inputs.files, remote);
    Object.assign(figures, { added: p.added.length, changed: p.changed.length, deleted: p.deleted.length });
    if (tip && p.added.length + p.changed.length + p.deleted.length === 0) {
      figures.requests = api.requests();
      return { ...inputs, commit: tip.commit, tree: tip.tree, lastPublish: figures };
    }
    const entries = await entriesFor(api, inputs, p, uploaded, figures);
    const tree = await writeTree(api, tip?.tree, entries);
    const commit = await api.call<{ sha: string }>("POST", "/git/commits", {
      message: describeCommit(inputs.message, p),
      tree,
      parents: tip ? [tip.commit] : [],
    });
    try {
      if (tip) await api.call("PATCH", `/git/refs/heads/${encodeBranch(inputs.branch)}`, { sha: commit.sha, force: false });
      else await api.call("POST", "/git/refs", { ref: `refs/heads/${inputs.branch}`, sha: commit.sha });
    } catch (e) {
      if (lostRace(e) && attempt < MAX_ATTEMPTS) {
        console.error(`publication: ${inputs.branch} moved while publishing; retrying on top of the new tip (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`);
        await sleep(RACE_BACKOFF_MS * attempt * Math.random());
        continue;
      }
      throw e;
    }
    figures.requests = api.requests();
    return { ...inputs, commit: commit.sha, tree, lastPublish: figures };
  }
  throw new Error(`publication: ${inputs.branch} kept moving; gave up after ${MAX_ATTEMPTS} attempts`);
}

/** Removes the publication: deletes the branch, or empties it when it is the default branch (GitHub refuses to delete that). */
export async function unpublish(props: PublicationOutputs, token: string | undefined): Promise<void> {
  const api = openApi(props, token);
  let repo: { default_branch: string };
  try {
    repo = await api.call("GET", "");
  } catch (e) {
    if (isGitHubError(e, 404)) return; // the repository is gone, and the branch with it
    throw e;
  }
  if (repo.default_branch === props.branch) {
    await publish({ ...props, files: {}, message: "Unpublish the package index" }, token);
    return;
  }
  try {
    await api.call("DELETE", `/git/refs/heads/${encodeBranch(props.branch)}`);
  } catch (e) {
    if (!isGitHubError(e, 422)) throw e; // 422: already gone
  }
}
