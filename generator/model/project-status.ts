/**
 * PEP 792 project status markers: from the settings' `status` map (names compared normalised),
 * else `archived` for a project whose every file comes from an archived GitHub repository (its
 * files stay installable, so archiving a repository breaks no pinned install). A quarantined
 * project offers no files at all: its pages list none and the site holds none of them.
 */
import type { IndexConfig } from "../config/schema.js";
import { normalizeName } from "../names/normalize.js";
import { GATE } from "../protocol/gate-marker.js";
import { UserError, type Warnings } from "../diagnostics/warnings.js";
import type { Project, ProjectStatus } from "./project.js";

/** The archived repositories a project's files all come from, or undefined when any file comes from elsewhere. */
function archivedRepositories(project: Project): string[] | undefined {
  const repos = new Set<string>();
  for (const f of project.files) {
    if (!f.repositoryArchived || f.repository === undefined) return undefined;
    repos.add(f.repository);
  }
  return repos.size > 0 ? [...repos].sort() : undefined;
}

/** Sets each project's status; quarantined projects lose their files and versions. */
export function applyStatuses(projects: Project[], config: IndexConfig, warnings: Warnings): void {
  const configured = new Map<string, ProjectStatus>();
  const spelled = new Map<string, string>();
  for (const [name, s] of Object.entries(config.status)) {
    const key = normalizeName(name);
    const other = spelled.get(key);
    if (other !== undefined) throw new UserError(`configuration: status.${other} and status.${name} name the same project (${key}); keep one`);
    spelled.set(key, name);
    configured.set(key, s.reason === undefined ? { status: s.status } : { status: s.status, reason: s.reason });
  }
  const held = new Set(projects.map((p) => p.name));
  for (const name of Object.keys(config.status)) {
    if (!held.has(normalizeName(name))) warnings.add("status-unmatched", `configuration: status.${name} names no project in the index`, name);
  }
  for (const project of projects) {
    let status = configured.get(project.name);
    if (status === undefined) {
      const repos = archivedRepositories(project);
      if (repos) status = { status: "archived", reason: `The GitHub ${repos.length === 1 ? "repository" : "repositories"} ${repos.join(", ")} ${repos.length === 1 ? "is" : "are"} archived` };
    }
    if (status === undefined || status.status === "active") continue;
    project.status = status;
    if (status.status === "quarantined") {
      // Its pages stay as private as its files were: a private index still asks for these repositories.
      project.withheldFrom = [...new Set(project.files.map((f) => f.repository ?? GATE))].sort();
      project.files = [];
      project.versions = [];
    }
  }
}
