/**
 * The project index's shapes, which every later stage reads: built by project-index.ts, given
 * their PEP 792 status by project-status.ts.
 */
import type { ProjectStatusName } from "../config/schema.js";
import type { DistributionFile } from "./distribution.js";

export interface ProjectStatus {
  status: ProjectStatusName;
  reason?: string;
}

export interface Project {
  /** PEP 503 normalised name: the URL segment and the PEP 691 `name`. */
  name: string;
  /** The name as the project spells it (from metadata, else the newest file name). */
  displayName: string;
  /** PEP 440 normalised versions, ascending. */
  versions: string[];
  /** Files sorted by version, then file name (none when quarantined). */
  files: DistributionFile[];
  /** PEP 792; absent means active. */
  status?: ProjectStatus;
  /** Quarantined: the repositories its withheld files came from, which still guard its pages in a private index. */
  withheldFrom?: string[];
}

export interface ProjectIndex {
  projects: Project[];
}
