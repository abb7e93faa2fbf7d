import type { Project } from "../model/project.js";
import { grantsCovering, type NamespaceGrant } from "../names/namespaces.js";
import { escapeHtml } from "../render/escape.js";
import { projectNamespaces } from "../render/namespace-json.js";

/** The namespace the catalog names for a project: the most specific grant covering it. */
export interface CatalogNamespace {
  /** As the settings spell it (PEP 752: text for people keeps the original spelling). */
  displayName: string;
  /** False when the project carries the prefix from another organisation's repository. */
  owned: boolean;
}

/** What the catalog pages need to name each project's namespace. */
export interface NamespaceContext {
  grants: readonly NamespaceGrant[];
  /** The GitHub organisation that owns the grants, when the index knows it. */
  owner: string | undefined;
}

/** The project's namespace, or undefined outside every grant. `owned` as the JSON API says it. */
export function catalogNamespace(project: Project, context: NamespaceContext): CatalogNamespace | undefined {
  const covering = grantsCovering(project.name, context.grants);
  const specific = covering[covering.length - 1];
  if (specific === undefined) return undefined;
  const owned = projectNamespaces(project, [specific], context.owner)?.[0]?.owned ?? true;
  return { displayName: specific.displayName, owned };
}

/** `in namespace Acme`, and a warning when its owner did not publish the project; escaped HTML. */
export function namespaceText(ns: CatalogNamespace): string {
  return escapeHtml(`in namespace ${ns.displayName}${ns.owned ? "" : ", not published by its owner"}`);
}
