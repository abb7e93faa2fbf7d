import { compareVersions, normalizeVersion } from "../names/version.js";
import { isValidProjectName, normalizeName } from "../names/normalize.js";
import { UserError, type Warnings } from "../diagnostics/warnings.js";
import type { IndexConfig } from "../config/schema.js";
import { HASH_ALGORITHMS, type DistributionFile, type Hashes } from "./distribution.js";
import type { Project, ProjectIndex } from "./project.js";
import { applyStatuses } from "./project-status.js";

/** Two entries for one file name are the same file only if no shared hash disagrees. */
function conflictingHash(a: Hashes, b: Hashes): keyof Hashes | undefined {
  for (const algo of HASH_ALGORITHMS) {
    if (a[algo] && b[algo] && a[algo] !== b[algo]) return algo;
  }
  return undefined;
}

/**
 * Ranks every distinct version string once, exactly (numbers of any length); PEP 440-equal
 * versions (`1.0`, `1.0.0`) share a rank. Sorting 100k files by rank is cheaper than comparing
 * versions on every step.
 */
function versionRanks(versions: Iterable<string>): Map<string, number> {
  // The string order breaks ties, so which spelling of an equal version comes first is deterministic.
  const unique = [...new Set(versions)].sort((a, b) => compareVersions(a, b) || (a < b ? -1 : 1));
  const ranks = new Map<string, number>();
  let rank = -1;
  unique.forEach((v, i) => {
    if (i === 0 || compareVersions(unique[i - 1] as string, v) !== 0) rank++;
    ranks.set(v, rank);
  });
  return ranks;
}

/**
 * Groups files into projects: merges duplicates, refuses conflicting ones, applies configured
 * yanks and sorts everything deterministically (the same input gives the same bytes).
 */
export function buildProjectIndex(files: DistributionFile[], config: IndexConfig, warnings: Warnings): ProjectIndex {
  const byName = new Map<string, DistributionFile>();
  for (const file of files) {
    const seen = byName.get(file.filename);
    if (!seen) {
      byName.set(file.filename, file);
      continue;
    }
    const algo = conflictingHash(seen.hashes, file.hashes);
    if (algo) {
      throw new UserError(
        `${file.filename} appears twice with different ${algo} hashes:\n  ${seen.origin}: ${seen.hashes[algo]}\n  ${file.origin}: ${file.hashes[algo]}\nA file name must always mean the same bytes; remove one of them.`,
      );
    }
    warnings.add("duplicate-file", `${file.filename} is listed by both ${seen.origin} and ${file.origin}; indexed once`, file.filename);
    // Keep whichever entry knows more, so a bare list entry never hides a hashed one.
    if (Object.keys(file.hashes).length > Object.keys(seen.hashes).length) byName.set(file.filename, file);
  }

  const groups = new Map<string, DistributionFile[]>();
  for (const file of byName.values()) {
    const list = groups.get(file.parsed.project);
    if (list) list.push(file);
    else groups.set(file.parsed.project, [file]);
  }

  applyYanks(groups, config, warnings);

  const ranks = versionRanks([...byName.values()].map((f) => f.parsed.version));
  const rank = (v: string): number => ranks.get(v) ?? -1;
  const projects: Project[] = [];
  for (const [name, list] of groups) {
    list.sort((a, b) => rank(a.parsed.version) - rank(b.parsed.version) || (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
    // One entry per PEP 440 version: files of `1.0` and `1.0.0` are one release, listed by the
    // spelling that sorts first as a string, so the order of the files never decides it.
    const versions: string[] = [];
    let last = -1;
    for (const f of list) {
      const r = rank(f.parsed.version);
      if (r !== last) versions.push(f.parsed.version);
      else if (f.parsed.version < (versions[versions.length - 1] as string)) versions[versions.length - 1] = f.parsed.version;
      last = r;
    }
    projects.push({ name, displayName: displayNameOf(list), versions, files: list });
  }
  projects.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  applyStatuses(projects, config, warnings);
  return { projects };
}

/**
 * The newest file's metadata spelling is the project's own (file names often mangle it), when it
 * is a valid name of this very project: a Name that is another project's, or that normalises here
 * only by Unicode case folding, would show one project under another's name.
 */
function displayNameOf(files: DistributionFile[]): string {
  for (let i = files.length - 1; i >= 0; i--) {
    const file = files[i];
    const name = file?.metadata?.name;
    if (name && isValidProjectName(name) && normalizeName(name) === file.parsed.project) return name;
  }
  return files[files.length - 1]?.parsed.name ?? "";
}

function applyYanks(groups: Map<string, DistributionFile[]>, config: IndexConfig, warnings: Warnings): void {
  for (const [project, versions] of Object.entries(config.yanked)) {
    const files = groups.get(normalizeName(project));
    for (const [version, reason] of Object.entries(versions)) {
      const wanted = normalizeVersion(version);
      if (wanted === null) {
        throw new UserError(`configuration: yanked.${project}.${version}: not a valid PEP 440 version`);
      }
      // PEP 440 equality: a yank of "1.0" covers files versioned "1.0.0".
      const matches = files?.filter((f) => compareVersions(f.parsed.version, wanted) === 0) ?? [];
      if (matches.length === 0) {
        warnings.add("yank-unmatched", `configuration: yanked.${project}.${version} matches no file in the index`, `${project}==${version}`);
      }
      for (const f of matches) f.yanked = reason === "" ? true : reason;
    }
  }
}
