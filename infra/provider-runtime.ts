/**
 * The provider runtime: the bundle (dist/providers/runtime.cjs, exported as
 * `github-pypi/provider-runtime`) that the serialised provider shells load at run time. Built by
 * scripts/build-cli.ts with its npm dependencies inside, except the AWS SDK, which it requires
 * from the installed packages.
 */
import { bucketSyncRuntime } from "./cdn/bucket-sync/bucket-sync-runtime.js";
import { publicationRuntime } from "./publish/git-data/publication-runtime.js";
import type { ProviderRuntime } from "./providers/runtime-shell.js";

export const interfaces: ProviderRuntime["interfaces"] = [1];
export const providers: ProviderRuntime["providers"] = {
  publication: publicationRuntime,
  bucketSync: bucketSyncRuntime,
};
