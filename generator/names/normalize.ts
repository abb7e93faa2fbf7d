/**
 * PEP 503 name normalisation: runs of `-`, `_` and `.` become one `-`, lower-cased. Lower-cases
 * first, as packaging's canonicalize_name does (they differ only for exotic Unicode casing).
 */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** A valid project name per the core metadata spec (PEP 508 identifier). */
export function isValidProjectName(name: string): boolean {
  return /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name);
}
