/**
 * Synthetic dumb-pypi JSON-lines lists shaped like a real organisation's index: a few thousand
 * projects, each with a run of releases, each release a wheel or two and an sdist.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";

export interface SyntheticOptions {
  files: number;
  projects: number;
  /** Seed for the pseudo-random choices, so every run measures the same input. */
  seed?: number;
  /**
   * Whether lines carry `size`, this project's one extension to the format (default true).
   * dumb-pypi refuses a line with a key it does not know, so a list both read leaves it out.
   */
  size?: boolean;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = ["acme", "data", "core", "utils", "client", "api", "tools", "ml", "auth", "db", "cli", "web", "etl", "pipeline", "infra", "sdk"];
const PY = [">=3.8", ">=3.9", ">=3.10,<4", ">=3.8,!=3.9.*", ">=3.11"];

export function syntheticLines(options: SyntheticOptions): string[] {
  return [...syntheticEntries(options)];
}

/** Writes the list to `path` as it is made, so a million lines are never held at once. */
export function writeSyntheticList(path: string, options: SyntheticOptions): void {
  const fd = openSync(path, "w");
  try {
    let chunk: string[] = [];
    for (const line of syntheticEntries(options)) {
      chunk.push(line);
      if (chunk.length === 10_000) {
        writeSync(fd, `${chunk.join("\n")}\n`);
        chunk = [];
      }
    }
    if (chunk.length > 0) writeSync(fd, `${chunk.join("\n")}\n`);
  } finally {
    closeSync(fd);
  }
}

function* syntheticEntries(options: SyntheticOptions): Generator<string> {
  const random = rng(options.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const perProject = Math.max(1, Math.floor(options.files / options.projects));
  let made = 0;
  for (let p = 0; p < options.projects && made < options.files; p++) {
    const name = `${pick(WORDS)}-${pick(WORDS)}-${p}`;
    const dist = name.replace(/-/g, "_");
    const want = p === options.projects - 1 ? options.files - made : perProject;
    for (let i = 0; made < options.files && i < want; i++) {
      // Three files a release: two wheels and an sdist.
      const release = Math.floor(i / 3);
      const version = `${Math.floor(release / 10)}.${release % 10}.${Math.floor(random() * 3)}${random() < 0.1 ? "rc1" : ""}`;
      const kind = i % 3;
      const filename = kind === 0 ? `${dist}-${version}.tar.gz` : kind === 1 ? `${dist}-${version}-py3-none-any.whl` : `${dist}-${version}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`;
      const hash = createHash("sha256").update(filename).digest("hex");
      const entry: Record<string, unknown> = {
        filename,
        hash: `sha256=${hash}`,
        requires_python: pick(PY),
        upload_timestamp: 1_600_000_000 + made * 60,
        uploaded_by: pick(["ci", "alice", "bob"]),
      };
      // Drawn either way, so the rest of the list is the same with or without it.
      const size = 1000 + Math.floor(random() * 5_000_000);
      if (options.size !== false) entry.size = size;
      if (kind !== 0) entry.core_metadata = `sha256=${createHash("sha256").update(`m:${filename}`).digest("hex")}`;
      if (random() < 0.01) entry.yanked_reason = "superseded";
      yield JSON.stringify(entry);
      made++;
    }
  }
}
