import type { dynamic } from "@pulumi/pulumi";
import { z } from "zod";

/** Pulumi's placeholder for values not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * A provider's `check`: the inputs against their schema, each problem as Pulumi's CheckFailure
 * (the top-level property, and a reason that names the entry of a keyed map). Inputs still
 * unknown at preview are not judged.
 */
export function checkInputs<S extends z.ZodObject>(schema: S, news: Record<string, unknown>): dynamic.CheckFailure[] {
  const unknown = Object.keys(news).filter((k) => news[k] === UNKNOWN && k in schema.shape);
  const known = Object.fromEntries(Object.entries(news).filter(([k]) => !unknown.includes(k)));
  const partial = unknown.length ? schema.partial(Object.fromEntries(unknown.map((k) => [k, true])) as never) : schema;
  const parsed = partial.safeParse(known);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const [property, entry] = issue.path.map(String);
    // A bad key of a keyed map carries its own message inside; a bad value names its key.
    const message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    const reason = issue.code !== "invalid_key" && issue.path.length >= 2 ? `${entry}: ${message}` : message;
    return { property: property ?? "", reason };
  });
}

/** A string that `valid` accepts; anything else fails once, with `reason` of the input. */
export function stringThat(valid: (s: string) => boolean, reason: (input: unknown) => string) {
  const error = (iss: { input?: unknown }) => reason(iss.input);
  return z.string({ error }).refine(valid, { error });
}

export const nonEmpty = (name: string) =>
  stringThat(
    (s) => s !== "",
    () => `${name} must be a non-empty string`,
  );
