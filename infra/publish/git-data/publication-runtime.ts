/**
 * The publication provider's methods, run in Pulumi's dynamic-provider host through the shell in
 * ../git-data-provider.ts: input checks, a diff with no request, publish on create and update,
 * refresh from the branch, and unpublish on delete.
 */
import { z } from "zod";
import { checkInputs, nonEmpty, stringThat, UNKNOWN } from "../../providers/check-inputs.js";
import { keyedChanges } from "../../providers/keyed-changes.js";
import { readFiles, readTip } from "./branch-files.js";
import { openApi, publish, unpublish } from "./publish.js";
import type { PublicationInputs, PublicationProvider } from "./publication-types.js";

/** Set by `configure` from stack config (`github:token`), else the GITHUB_TOKEN environment variable. */
const credentials: { token: string | undefined } = { token: undefined };

const IDENTITY_KEYS = ["apiUrl", "owner", "repository", "branch"] as const;

function validPath(path: string): boolean {
  return path.length > 0 && path.split("/").every((part) => part !== "" && part !== "." && part !== ".." && part.toLowerCase() !== ".git" && !part.includes("\0"));
}

const inputsSchema = z.object({
  apiUrl: nonEmpty("apiUrl"),
  owner: nonEmpty("owner"),
  repository: nonEmpty("repository"),
  branch: nonEmpty("branch"),
  siteDir: nonEmpty("siteDir"),
  message: nonEmpty("message"),
  files: z.record(
    stringThat(validPath, (input) => `${JSON.stringify(input)} is not a valid path in a git tree`),
    stringThat(
      (s) => /^[0-9a-f]{40}$/.test(s),
      (input) => `${JSON.stringify(input)} is not a git blob id`,
    ),
    { error: "files must be an object of path -> git blob id" },
  ),
});

function sameIdentity(key: (typeof IDENTITY_KEYS)[number], a: unknown, b: unknown): boolean {
  // GitHub names are case-insensitive; a branch name is not.
  if (key === "owner" || key === "repository") return String(a).toLowerCase() === String(b).toLowerCase();
  if (key === "apiUrl") return String(a).replace(/\/+$/, "") === String(b).replace(/\/+$/, "");
  return a === b;
}

function publicationId(p: PublicationInputs): string {
  return `${p.owner}/${p.repository}@${p.branch}`;
}

export const publicationRuntime: PublicationProvider = {
  async configure(req) {
    credentials.token = req.config.get("github:token") || process.env.GITHUB_TOKEN || undefined;
  },

  async check(_olds, news) {
    return { inputs: news, failures: checkInputs(inputsSchema, news as unknown as Record<string, unknown>) };
  },

  async diff(_id, olds, news) {
    const replaces = IDENTITY_KEYS.filter((k) => news[k] !== UNKNOWN && !sameIdentity(k, olds[k], news[k]));
    if ((news.files as unknown) === UNKNOWN) return { changes: true, replaces, changedPaths: [] };
    const changedPaths = keyedChanges(olds.files ?? {}, news.files, (a, b) => a === b).map(({ key, kind }) => ({ path: key, kind }));
    return { changes: replaces.length > 0 || changedPaths.length > 0, replaces, changedPaths, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const outs = await publish(inputs, credentials.token);
    return { id: publicationId(inputs), outs };
  },

  async update(_id, _olds, news) {
    return { outs: await publish(news, credentials.token) };
  },

  /** Refresh: what the branch really holds, so drift (someone pushing to it) shows in the next diff and gets corrected. */
  async read(id, props) {
    if (!props) throw new Error("publication: nothing recorded to refresh from");
    const api = openApi(props, credentials.token);
    const tip = await readTip(api, props.branch);
    if (!tip) return { id: "" }; // the branch is gone: so is the publication
    const files = Object.fromEntries(await readFiles(api, tip.tree));
    const state = { ...props, files, commit: tip.commit, tree: tip.tree };
    return { id, props: state, inputs: state };
  },

  async delete(_id, props) {
    await unpublish(props, credentials.token);
  },
};
