/**
 * Which GitHub repository guards which part of the site.
 *
 * A project's pages, files and `.metadata` are guarded by the repositories its files came from
 * (known from discovery); a file from a local folder or a package list has no repository and is
 * guarded by the gate repository. Everything else (the landing page, `/simple/`, unknown paths)
 * is guarded by the gate. The map is private to the build: `github-pypi build` writes it beside the
 * site folder (a static host would serve anything inside it) for `serve --auth github`, and the
 * stack bakes it into the edge function.
 */
import type { ProjectIndex } from "../../model/project.js";
import { GATE } from "../../protocol/gate-marker.js";
import { isNamespacePage } from "../../protocol/site-paths.js";

export interface AccessMap {
  version: 1;
  /** Normalised project name -> `OWNER/NAME` repositories, sorted; `GATE` stands for the gate repository. */
  projects: Record<string, string[]>;
  /**
   * Repositories GitHub called public at build time, sorted: the most that may count as public,
   * since a person's own list of repositories names only those they are affiliated with. The gate
   * asks GitHub which of them still are (gate.ts), so one made private since is not shown to
   * everyone. Absent (a map from an older build): none is taken as public, so lists show less, never more.
   */
  public?: string[];
}

/** The first path segments under which the next segment is a project name (index pages, files, catalog pages). */
const PROJECT_PREFIXES = ["simple", "files", "project"];

export function accessMapFor(index: ProjectIndex): AccessMap {
  const projects: Record<string, string[]> = {};
  const open = new Set<string>();
  for (const project of index.projects) {
    const repos = new Set<string>();
    for (const file of project.files) {
      repos.add(file.repository ?? GATE);
      if (file.repository !== undefined && file.repositoryPublic === true) open.add(file.repository);
    }
    for (const repo of project.withheldFrom ?? []) repos.add(repo);
    if (repos.size === 0) repos.add(GATE);
    projects[project.name] = [...repos].sort();
  }
  return { version: 1, projects, public: [...open].sort() };
}

/**
 * The map's project names in one fixed order (code-unit sort), which the edge's two functions
 * share to name a set of projects by bit position; object key order would put `123` first.
 */
export function projectOrder(map: AccessMap): string[] {
  return Object.keys(map.projects).sort();
}

/** Projects whose files come from more than one repository: a reader needs access to all of them. */
export function sharedProjects(map: AccessMap): string[] {
  return Object.entries(map.projects)
    .filter(([, repos]) => repos.length > 1)
    .map(([name]) => name);
}

export interface Guard {
  /** `OWNER/NAME` repositories a reader must be able to read, the gate spelled out. */
  repositories: string[];
  /** A path under `/simple/<name>/`, `/files/<name>/` or `/project/<name>/` for a project the index does not hold. */
  unknownProject: boolean;
}

/** The project a path under `/simple/<name>/`, `/files/<name>/` or `/project/<name>/` names, whether the map holds it or not. */
export function projectNamed(sitePath: string): string | undefined {
  // PEP 752's namespace pages (`simple/namespace/<grant>`) belong to no project: the gate alone guards them.
  if (isNamespacePage(sitePath)) return undefined;
  const segs = sitePath.split("/");
  return segs.length >= 3 && PROJECT_PREFIXES.includes(segs[0] as string) ? segs[1] : undefined;
}

/**
 * What guards `sitePath` (site-relative, decoded, as the router returns it). A project the map
 * does not know is guarded by the gate and then answered 404 by the host itself, so that to anyone,
 * "not in the index" and "not yours" look the same.
 */
export function guardOf(sitePath: string, map: AccessMap, gateRepository: string): Guard {
  const project = projectNamed(sitePath);
  const known = project !== undefined && Object.hasOwn(map.projects, project);
  const repos = known ? (map.projects[project] as string[]) : [GATE];
  return { repositories: [...new Set(repos.map((r) => (r === GATE ? gateRepository : r)))], unknownProject: project !== undefined && !known };
}
