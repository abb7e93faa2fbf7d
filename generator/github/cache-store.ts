import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Bump when the shape of a cached value changes: old entries are then simply not found. */
const LAYOUT_VERSION = "v1";

/**
 * A persistent key-value store under `--cache-dir`: one JSON file per entry, named by the
 * SHA-256 of its key, so a warm run reads only the entries it needs and writes only what changed.
 * Keys never reach the disk in clear (they may include a token fingerprint).
 */
export class CacheStore {
  readonly root: string;
  /** Folders known to exist: thousands of entries share 256 shard folders. */
  private readonly made = new Set<string>();

  constructor(dir: string) {
    this.root = join(dir, LAYOUT_VERSION);
  }

  private pathFor(namespace: string, key: string): string {
    const name = createHash("sha256").update(key).digest("hex");
    return join(this.root, namespace, name.slice(0, 2), `${name}.json`);
  }

  async get<T>(namespace: string, key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.pathFor(namespace, key), "utf8")) as T;
    } catch {
      // Missing or torn (a run killed mid-write before the rename): both mean "not cached".
      return undefined;
    }
  }

  async put(namespace: string, key: string, value: unknown): Promise<void> {
    const path = this.pathFor(namespace, key);
    const dir = join(path, "..");
    if (!this.made.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.made.add(dir);
    }
    const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(tmp, JSON.stringify(value));
    await rename(tmp, path);
  }

  /** Folder for content-addressed files (mirrored distributions). */
  filesDir(): string {
    return join(this.root, "files");
  }
}
