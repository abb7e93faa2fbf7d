import type { Project } from "../model/project.js";
import { grantsCovering, type NamespaceGrant } from "../names/namespaces.js";

/** The JSON API version of PEP 752 (Simple API 1.5); the HTML pages stay at 1.4. */
export const NAMESPACE_API_VERSION = "1.5";

/** What a namespace page says of one grant; `owner` only when the index knows it (a GitHub organisation). */
function describe(grant: NamespaceGrant, owner: string | undefined): Record<string, unknown> {
  return { name: grant.name, parent: grant.parent, children: grant.children, ...(owner ? { owner } : {}) };
}

/** `/simple/namespaces`: every grant of the index. */
export function renderNamespacesJson(grants: readonly NamespaceGrant[], owner: string | undefined): string {
  return `${JSON.stringify({ meta: { "api-version": NAMESPACE_API_VERSION }, namespaces: grants.map((g) => describe(g, owner)) })}\n`;
}

/** `/simple/namespace/<name>`: one grant. */
export function renderNamespaceJson(grant: NamespaceGrant, owner: string | undefined): string {
  return `${JSON.stringify({ meta: { "api-version": NAMESPACE_API_VERSION }, ...describe(grant, owner) })}\n`;
}

/**
 * A project page's `namespaces`: null outside every grant, else each covering grant, root first,
 * `owned` when the grant's owner published it: every file of it from the owner's repositories, or
 * from the index's own folders and lists (the operator's). A project indexed from another
 * organisation's repository carries the prefix without owning it.
 */
export function projectNamespaces(project: Project, grants: readonly NamespaceGrant[], owner: string | undefined): { name: string; owned: boolean }[] | null {
  const covering = grantsCovering(project.name, grants);
  if (covering.length === 0) return null;
  const owned = project.files.every((f) => f.repository === undefined || (owner !== undefined && f.repository.split("/")[0]?.toLowerCase() === owner.toLowerCase()));
  return covering.map((g) => ({ name: g.name, owned }));
}
