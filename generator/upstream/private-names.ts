import type { Warnings } from "../diagnostics/warnings.js";
import type { Project, ProjectIndex } from "../model/project.js";
import { claimedTest, type UpstreamSettings } from "../protocol/upstream-settings.js";

/**
 * Whether only some readers of the gate may see the project: it has files from a repository GitHub
 * did not call public, or is quarantined with files withheld from one. Every reader of the gate
 * already sees the others on `/simple/` (projects from local folders and package lists follow the
 * gate; a public repository's are listed to all), so probing could not tell them anything new.
 */
function hiddenFromSome(project: Project): boolean {
  if ((project.withheldFrom ?? []).length > 0) return true;
  return project.files.some((f) => f.repository !== undefined && f.repositoryPublic !== true);
}

/** A namespace that would cover the name: its first word (`acme-app` → `acme`), or the name itself. */
function suggestedNamespace(name: string): string {
  const dash = name.indexOf("-");
  return dash > 0 ? name.slice(0, dash) : name;
}

/**
 * The 404-vs-302 oracle of a private index with an upstream: to a person who may read the gate, a
 * held name they may not read answers 404 and a name the index does not hold answers 302 to the
 * upstream, so guessed names can be tested. A namespace (PEP 752) or a claimed pattern closes it (a
 * covered name the index does not hold is 404 too); each name that none covers is a
 * `private-name-unclaimed` warning, an error with `--strict`. `upstream` is the routed one
 * (routed-upstream.ts: namespaces included); without an upstream there is no 302 to tell apart.
 */
export function warnUnclaimedPrivateNames(index: ProjectIndex, upstream: UpstreamSettings | undefined, namespaces: readonly string[], warnings: Warnings): void {
  if (!upstream) return;
  const claimed = claimedTest(upstream.claimed);
  for (const project of index.projects) {
    if (!hiddenFromSome(project) || claimed(project.name)) continue;
    const others = namespaces.length ? ` (namespaces now: ${namespaces.join(", ")})` : "";
    warnings.add(
      "private-name-unclaimed",
      `${project.name}: no namespace or upstream.claimed pattern covers it${others}, so to anyone who may read the gate it answers 404 while a name the index does not hold answers 302 to the upstream: a guessed name can be tested. Cover it, e.g. namespaces: ["${suggestedNamespace(project.name)}"]`,
      project.name,
    );
  }
}
