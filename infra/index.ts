/**
 * The Pulumi program. For now it validates the index settings and exports them; the index
 * repository, Pages publication and teams arrive with the stack itself.
 */
import { readIndexSettings } from "./index-settings.js";

const settings = readIndexSettings();

export const title = settings.title;
export const indexMaxAgeSeconds = settings.indexMaxAgeSeconds;
export const yankedReleases = Object.values(settings.yanked).reduce((n, versions) => n + Object.keys(versions).length, 0);
