import mime from "mime";
import { PROVENANCE_JSON, PYPI_JSON, TEXT_HTML_UTF8 } from "./media-types.js";
import { isNamespacePage, NAMESPACES_PATH } from "./site-paths.js";

/**
 * The Content-Type to serve (and upload) a file of the built site with, by its site-relative
 * path. PEP 691 JSON pages under simple/ get the versioned PyPI media type; HTML, core metadata
 * (PEP 658 `.metadata`) and other text are UTF-8; wheels are zip archives; anything mime does
 * not know is `application/octet-stream`.
 */
export function contentTypeFor(sitePath: string): string {
  const p = sitePath.replace(/^\/+/, "");
  const base = p.slice(p.lastIndexOf("/") + 1).toLowerCase();
  if (base.endsWith(".json") && p.startsWith("simple/")) return PYPI_JSON;
  // PEP 752's extensionless JSON pages.
  if (p === NAMESPACES_PATH || isNamespacePage(p)) return PYPI_JSON;
  if (base.endsWith(".html") || base.endsWith(".htm")) return TEXT_HTML_UTF8;
  if (base.endsWith(".metadata")) return "text/plain; charset=utf-8";
  // PEP 740's provenance object: JSON, with the media type PyPI's Integrity API gives it.
  if (base.endsWith(".provenance") && p.startsWith("files/")) return PROVENANCE_JSON;
  if (base.endsWith(".whl")) return "application/zip";
  if (base.endsWith(".asc")) return "application/pgp-signature"; // PEP 503 detached signatures
  const type = base.includes(".") ? mime.getType(base) : null;
  if (type === null) return "application/octet-stream";
  if (type.startsWith("text/") || type === "application/json" || type === "application/javascript") {
    return `${type}; charset=utf-8`;
  }
  return type;
}
