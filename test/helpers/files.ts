import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Every file below `root` with its bytes, keyed by `/`-separated relative path. */
export function snapshot(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (dir: string, prefix: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), rel);
      else out.set(rel, readFileSync(join(dir, e.name)));
    }
  };
  walk(root, "");
  return out;
}
