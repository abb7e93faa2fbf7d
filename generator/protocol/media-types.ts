/**
 * The media types the index serves its pages and files with, shared by the build (which uploads
 * each file with its type), the local server and the edge functions. Plain constants only: the
 * CloudFront Function's router imports this module, and that runtime is ES 5.1.
 */

/** PEP 691's JSON page. */
export const PYPI_JSON = "application/vnd.pypi.simple.v1+json";
/** PEP 691's versioned HTML page (PEP 503's HTML, named). */
export const PYPI_HTML = "application/vnd.pypi.simple.v1+html";
/** What a browser, and an old client, asks for. */
export const TEXT_HTML = "text/html";
/** An HTML page as sent: all of the index's pages are UTF-8. */
export const TEXT_HTML_UTF8 = "text/html; charset=utf-8";
/** PyPI's media type for a provenance object (its Integrity API, PEP 740). */
export const PROVENANCE_JSON = "application/vnd.pypi.integrity.v1+json";
