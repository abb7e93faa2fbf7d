/**
 * The cast of `github-pypi demo --private`: an organisation on the local GitHub stand-in, the
 * repository guarding each demo project, and two people who may read different repositories.
 *
 * A real build learns each project's repository from GitHub (the release its files came from).
 * The demo's files come from a folder, which the gate repository guards; the demo gives two of its
 * projects repositories of their own, so that the two people see different indexes.
 */
import { randomBytes } from "node:crypto";
import { GATE } from "../protocol/gate-marker.js";
import type { AccessMap } from "../serving/access/access-map.js";
import type { StandInPerson } from "./github-stand-in.js";

export interface DemoPerson extends StandInPerson {
  /** The project the demo tells this person to install. */
  installs: string;
}

export const DEMO_OWNER = "demo-org";
/** Readers of this repository may see the root pages and the projects that have no repository of their own. */
export const DEMO_GATE_REPOSITORY = `${DEMO_OWNER}/pypi`;
/** Projects in a repository of their own; the other demo projects stay the gate repository's. */
const OWN_REPOSITORIES: Readonly<Record<string, string>> = {
  "demo-app": `${DEMO_OWNER}/demo-app`,
  "demo-core": `${DEMO_OWNER}/demo-core`,
};

/**
 * alice may read everything; bob may read the gate and demo-core, not demo-app. Tokens are new on
 * every run and have GitHub's shape (the gate refuses anything else unasked), but name the demo.
 */
export function demoPeople(): DemoPerson[] {
  const token = (login: string): string => `ghp_localdemo_${login}_${randomBytes(12).toString("hex")}`;
  return [
    { login: "alice", token: token("alice"), reads: [DEMO_GATE_REPOSITORY, OWN_REPOSITORIES["demo-app"] as string, OWN_REPOSITORIES["demo-core"] as string], installs: "demo-app" },
    { login: "bob", token: token("bob"), reads: [DEMO_GATE_REPOSITORY, OWN_REPOSITORIES["demo-core"] as string], installs: "demo-core" },
  ];
}

/** The build's map with the demo's own repositories in place of the gate for the projects that have one. */
export function guardDemoProjects(map: AccessMap): AccessMap {
  const projects = Object.fromEntries(Object.entries(map.projects).map(([name, repos]) => [name, OWN_REPOSITORIES[name] ? [OWN_REPOSITORIES[name]] : repos]));
  return { ...map, projects, public: [] };
}

/** The repositories guarding `project`, the gate spelled out. */
export function guardsOf(map: AccessMap, project: string): string[] {
  return (map.projects[project] ?? [GATE]).map((r) => (r === GATE ? DEMO_GATE_REPOSITORY : r));
}

/** The projects whose every guarding repository `person` may read: what their list pages show. */
export function visibleTo(map: AccessMap, person: StandInPerson): string[] {
  const reads = new Set(person.reads.map((r) => r.toLowerCase()));
  return Object.keys(map.projects)
    .sort()
    .filter((name) => guardsOf(map, name).every((r) => reads.has(r.toLowerCase())));
}
