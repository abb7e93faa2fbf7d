/**
 * Paths inside the built site that the build writes and the request-time code must know (site-
 * relative, no leading slash). ES 5.1 syntax and methods only: the CloudFront Function imports this.
 */

/** PEP 752's list of namespaces, relative to the site (extensionless, as the PEP names it; JSON only). */
export const NAMESPACES_PATH = "simple/namespaces";
/** PEP 752's page of one namespace is this prefix and the namespace's normalised name. */
export const NAMESPACE_PREFIX = "simple/namespace/";

/** Whether `sitePath` is one namespace's PEP 752 page (`simple/namespace/<normalised name>`), which belongs to no project. */
export function isNamespacePage(sitePath: string): boolean {
  return sitePath.indexOf(NAMESPACE_PREFIX) === 0 && /^[a-z0-9-]+$/.test(sitePath.slice(NAMESPACE_PREFIX.length));
}
