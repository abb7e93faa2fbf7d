import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** What the program recorded for a site file: its size and one digest of its bytes. */
export interface RecordedDigest {
  /** "md5" (S3's ETag) or "git-blob" (the SHA-1 of `blob <size>\0<bytes>`). */
  kind: "md5" | "git-blob";
  hex: string;
  size?: number;
}

export function digestOf(kind: RecordedDigest["kind"], bytes: Uint8Array): string {
  const hash = kind === "md5" ? createHash("md5") : createHash("sha1").update(`blob ${bytes.length}\0`);
  return hash.update(bytes).digest("hex");
}

/**
 * The bytes of a built site's file, refused unless they are the bytes the program recorded: a
 * provider never uploads a file that changed after the plan was made. `who` starts each message.
 */
export async function readSiteFile(who: string, siteDir: string, key: string, want: RecordedDigest): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(siteDir, ...key.split("/")));
  } catch (e) {
    throw new Error(`${who}: cannot read ${key} from the built site ${siteDir}: ${(e as Error).message}; run \`pulumi up\` again to rebuild it`);
  }
  const actual = digestOf(want.kind, bytes);
  if (actual !== want.hex || (want.size !== undefined && bytes.length !== want.size)) {
    const label = want.kind === "md5" ? "md5" : "blob";
    const found = want.size === undefined ? `${label} ${actual}` : `${label} ${actual}, ${bytes.length} bytes`;
    const expected = want.size === undefined ? want.hex : `${want.hex}, ${want.size} bytes`;
    throw new Error(`${who}: ${key} in ${siteDir} changed after the program built the site (${found}; expected ${expected}); run \`pulumi up\` again`);
  }
  return bytes;
}
