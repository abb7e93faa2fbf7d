import type { IndexConfig } from "../config/schema.js";
import { namespaceClaims, namespaceGrants } from "../names/namespaces.js";
import type { UpstreamSettings } from "../protocol/upstream-settings.js";

/**
 * The upstream as every host routes it: the settings' claimed globs plus each namespace grant's
 * own name and `<grant>-*`, so a namespaced name the index does not hold is 404 on `serve`, the
 * gate and the CDN's edge alike, never the upstream. Undefined without an upstream (then every
 * missing name is the index's 404 anyway).
 */
export function routedUpstream(config: Pick<IndexConfig, "upstream" | "namespaces">): UpstreamSettings | undefined {
  if (!config.upstream) return undefined;
  const claimed = [...new Set([...config.upstream.claimed, ...namespaceClaims(namespaceGrants(config.namespaces))])];
  return { url: config.upstream.url, claimed };
}
