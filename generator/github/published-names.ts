import { UserError } from "../diagnostics/warnings.js";
import type { DistributionFile } from "../model/distribution.js";
import type { CacheStore } from "./cache-store.js";
import { plural } from "../diagnostics/plural.js";

interface PublishedName {
  sha256: string;
  origin: string;
}

/**
 * A file name, once indexed from GitHub, keeps its bytes, as on PyPI: an asset deleted and
 * uploaded again under the same name with other bytes would break every lock file and every
 * cache that pinned the first. The cache remembers each name's sha256, so this holds wherever
 * the site is published (a folder, a Git branch, a bucket), not only where a previous site can
 * be read back. `replace` names the files allowed to change on purpose.
 */
export async function keepPublishedBytes(files: readonly DistributionFile[], cache: CacheStore, scope: string, replace: ReadonlySet<string>): Promise<void> {
  const changed: string[] = [];
  const learned: [string, PublishedName][] = [];
  for (const file of files) {
    const sha256 = file.hashes.sha256;
    if (sha256 === undefined) continue; // tag links name a commit, not bytes
    const key = `${scope} published ${file.parsed.project}/${file.filename}`;
    const before = await cache.get<PublishedName>("published", key);
    if (before && before.sha256 !== sha256 && !replace.has(file.filename)) {
      changed.push(`${file.filename} (${file.origin}): indexed before with sha256 ${before.sha256} (${before.origin}), now ${sha256}`);
    } else if (!before || before.sha256 !== sha256) {
      learned.push([key, { sha256, origin: file.origin }]);
    }
  }
  if (changed.length > 0) {
    throw new UserError(
      `${plural(changed.length, "GitHub file")} changed bytes under a name already indexed; nothing was written:\n  ${changed.sort().join("\n  ")}\n` +
        "A file name keeps its bytes once published (lock files pin its sha256; pip, proxies and the CDN cache it). " +
        "Publish a new version (or a wheel build tag), or replace on purpose with --replace-file NAME (stack: github-pypi:replaceFiles).",
    );
  }
  for (const [key, value] of learned) await cache.put("published", key, value);
}
