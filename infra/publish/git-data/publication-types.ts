import type { dynamic } from "@pulumi/pulumi";
import type { KeyedChange } from "../../providers/keyed-changes.js";

/** What the program hands the provider. The token is never an input: it comes from stack config (`configure`). */
export interface PublicationInputs {
  /** REST root, e.g. https://api.github.com (GitHub Enterprise Server: https://HOST/api/v3). */
  apiUrl: string;
  owner: string;
  repository: string;
  branch: string;
  /** Absolute path of the folder holding the built site; read only when files must be uploaded. */
  siteDir: string;
  /** Site-relative path -> git blob id (SHA-1 of `blob <size>\0<bytes>`), computed by the program. */
  files: Record<string, string>;
  /** Commit message. */
  message: string;
}

export interface PublishFigures {
  added: number;
  changed: number;
  deleted: number;
  /** Files sent as blobs (binary or large); the rest travelled inline in the tree request. */
  blobs: number;
  /** HTTP requests made, GETs and retries included. */
  requests: number;
  /** Rounds needed: more than 1 means a lost race was retried. */
  attempts: number;
}

export interface PublicationOutputs extends PublicationInputs {
  /** The branch tip after publication. */
  commit: string;
  tree: string;
  lastPublish: PublishFigures;
}

/** One path of the site that an update adds, changes or removes. */
export interface PathChange {
  path: string;
  kind: KeyedChange["kind"];
}

/** The engine shows `files` key by key in `pulumi preview --diff`; `changedPaths` says the same for callers and tests. */
export interface PublicationDiff extends dynamic.DiffResult {
  changedPaths: PathChange[];
}

export interface PublicationProvider extends dynamic.ResourceProvider<PublicationInputs, PublicationOutputs> {
  diff(id: string, olds: PublicationOutputs, news: PublicationInputs): Promise<PublicationDiff>;
}
