/**
 * The upstream settings, recorded inside the site by the build so that `serve` answers as the CDN
 * does. They live in a dotfile, which the router never serves.
 */
import { join } from "node:path";
import { z } from "zod";
import { UserError } from "../diagnostics/warnings.js";
import { UPSTREAM_SETTINGS_PATH, type UpstreamSettings } from "../protocol/upstream-settings.js";
import { readJsonFileIfPresent } from "../util/json-file.js";
import type { Site } from "./site.js";

const recordSchema = z.object({ url: z.string().regex(/^https?:\/\/.+\/$/), claimed: z.array(z.string().min(1)) }).strict();

export function recordUpstream(site: Site, upstream: UpstreamSettings): void {
  const body = new TextEncoder().encode(`${JSON.stringify({ url: upstream.url, claimed: upstream.claimed }, null, 2)}\n`);
  site.set(UPSTREAM_SETTINGS_PATH, { body, contentType: "application/json", cacheControl: "no-cache" });
}

/** The settings a site was built with, or undefined when it has none; a damaged record is an error, never ignored. */
export async function readUpstreamRecord(siteDir: string): Promise<UpstreamSettings | undefined> {
  return readJsonFileIfPresent(join(siteDir, UPSTREAM_SETTINGS_PATH), recordSchema, "an upstream record (rebuild the site)", (m) => new UserError(m));
}
