/**
 * Python core metadata (METADATA / PKG-INFO): RFC 822-style headers, then an optional body that
 * holds the long description (Metadata-Version 2.1+), parsed into the record's CoreMetadata.
 */
import type { CoreMetadata } from "../model/core-metadata.js";

/** Parses the header block and body. Tolerates CRLF, continuation lines and a missing body. */
export function parseCoreMetadata(text: string): CoreMetadata {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const fields = new Map<string, string[]>();
  let i = 0;
  let current: { key: string; values: string[] } | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "") {
      i++;
      break;
    }
    if (/^[ \t]/.test(line) && current) {
      // Continuation line: RFC 822 folding. Description fields use "        |" as a margin.
      const last = current.values.length - 1;
      current.values[last] = `${current.values[last] ?? ""}\n${line.replace(/^ {7,8}\|?/, "").replace(/^\s+/, "")}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const values = fields.get(key) ?? [];
    values.push(value);
    fields.set(key, values);
    current = { key, values };
  }
  const body = lines.slice(i).join("\n").replace(/\n+$/, "");
  const one = (key: string): string | undefined => {
    const v = fields.get(key)?.[0];
    return v === undefined || v === "" || v === "UNKNOWN" ? undefined : v;
  };
  const description = body !== "" ? body : one("description");
  const result: CoreMetadata = {
    requiresDist: fields.get("requires-dist") ?? [],
    projectUrls: fields.get("project-url") ?? [],
  };
  const set = <K extends keyof CoreMetadata>(key: K, value: CoreMetadata[K] | undefined): void => {
    if (value !== undefined) result[key] = value;
  };
  set("metadataVersion", one("metadata-version"));
  set("name", one("name"));
  set("version", one("version"));
  set("summary", one("summary"));
  set("requiresPython", one("requires-python"));
  set("homePage", one("home-page"));
  set("license", one("license-expression") ?? one("license"));
  set("description", description);
  set("descriptionContentType", one("description-content-type"));
  return result;
}
