/**
 * A count with its noun, as a person would write it: "1 project", "2 projects", "0 projects".
 * Nouns whose plural is not the singular plus "s" give it.
 */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
