/**
 * `upstream.claimed` is the older spelling of a namespace: a glob that is exactly `<prefix>-*` is
 * one, except that it leaves the name `<prefix>` itself to the upstream and is absent from the
 * JSON API. Each such glob is named, so the settings can move to `namespaces`.
 */
import { claimedAsNamespace, grantsCovering, type NamespaceGrant } from "../names/namespaces.js";

/** One notice (without its `notice: ` prefix) per claimed glob that spells a namespace. */
export function claimedGlobNotices(claimed: readonly string[], grants: readonly NamespaceGrant[]): string[] {
  return claimed.flatMap((pattern) => {
    const namespace = claimedAsNamespace(pattern);
    if (namespace === undefined) return [];
    const spelling = `upstream.claimed "${pattern}" is the PEP 752 namespace "${namespace}" in the older spelling`;
    const granted = grantsCovering(namespace, grants)[0];
    if (granted) return [`${spelling}; namespaces: [${granted.name}] already covers it, so the glob can go`];
    return [`${spelling}; namespaces: [${namespace}] also covers the name ${namespace} itself and is served in the JSON API`];
  });
}
