/**
 * PEP 752 namespace grants, as an index's settings declare them (`namespaces: [acme, acme-internal]`).
 *
 * A grant covers the project of its own name and every project whose normalised name starts with
 * the grant followed by a hyphen (`acme` covers `acme` and `acme-tools`, not `acmetools`). A grant
 * that starts with another grant and a hyphen is that grant's child (`acme-internal` under `acme`).
 * The depth limit is two, as PEP 752 first drafted it: a root and its children; a child's child is
 * refused. Two spellings of one grant (`acme.internal`, `Acme_Internal`) are the same grant: an error.
 */
import { isValidProjectName, normalizeName } from "./normalize.js";

export interface NamespaceGrant {
  /** The normalised namespace, as the API and the paths carry it. */
  name: string;
  /** As the settings spell it, for people (PEP 752: user-facing text keeps the original). */
  displayName: string;
  /** The normalised parent grant, or null for a root grant. */
  parent: string | null;
  /** The normalised child grants, sorted. */
  children: string[];
}

/** Root and child: a child grant cannot have children of its own. */
export const NAMESPACE_DEPTH_LIMIT = 2;

/** Why a list of grants is refused, one message per problem, each naming the grant. */
export function namespaceProblems(names: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const raw of names) {
    if (!isValidProjectName(raw)) {
      problems.push(`"${raw}" is not a valid project name (letters, digits, and . _ - inside), so it cannot be a namespace`);
      continue;
    }
    const name = normalizeName(raw);
    const earlier = seen.get(name);
    if (earlier !== undefined) problems.push(`"${raw}" and "${earlier}" are the same namespace (${name}) once normalised`);
    else seen.set(name, raw);
  }
  for (const name of seen.keys()) {
    const ancestors = [...seen.keys()].filter((other) => other !== name && name.startsWith(`${other}-`));
    if (ancestors.length >= NAMESPACE_DEPTH_LIMIT) {
      problems.push(`"${seen.get(name)}" would be a grant inside ${ancestors.sort().join(" inside ")}: namespaces nest ${NAMESPACE_DEPTH_LIMIT} deep at most (a root and its children)`);
    }
  }
  return problems;
}

/** The grants of a list `namespaceProblems` found nothing wrong with, sorted by name. */
export function namespaceGrants(names: readonly string[]): NamespaceGrant[] {
  const problems = namespaceProblems(names);
  if (problems.length > 0) throw new Error(`namespaces: ${problems.join("; ")}`);
  const byName = new Map(names.map((raw) => [normalizeName(raw), raw]));
  const all = [...byName.keys()].sort();
  return all.map((name) => {
    const parent = all.find((other) => other !== name && name.startsWith(`${other}-`)) ?? null;
    const children = all.filter((other) => other !== name && other.startsWith(`${name}-`));
    return { name, displayName: byName.get(name) ?? name, parent, children };
  });
}

/** Whether the grant covers a normalised project name. */
export const covers = (grant: string, project: string): boolean => project === grant || project.startsWith(`${grant}-`);

/** The grants covering a normalised project name, root first. */
export function grantsCovering(project: string, grants: readonly NamespaceGrant[]): NamespaceGrant[] {
  return grants.filter((g) => covers(g.name, project)).sort((a, b) => a.name.length - b.name.length);
}

/** The claimed globs that route as the grants do: the name itself and every `name-*`. */
export function namespaceClaims(grants: readonly NamespaceGrant[]): string[] {
  return grants.flatMap((g) => [g.name, `${g.name}-*`]);
}

/** A claimed glob that is exactly `<prefix>-*` with a valid prefix: the namespace it spells, normalised. */
export function claimedAsNamespace(pattern: string): string | undefined {
  const m = /^(.+)[-_.]\*$/.exec(pattern);
  if (!m?.[1] || /[*?]/.test(m[1]) || !isValidProjectName(m[1])) return undefined;
  return normalizeName(m[1]);
}
