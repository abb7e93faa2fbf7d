import { buildSite } from "../build.js";
import { loadIndexConfig, validateIndexConfig } from "../config/load.js";
import { UserError, Warnings } from "../diagnostics/warnings.js";
import { terminalProgress } from "../diagnostics/progress.js";
import { writeSiteToFolder } from "../publish/local-folder.js";
import { printWarning } from "./report.js";

export interface BuildCommandOptions {
  out: string;
  from?: string[];
  packageList?: string[];
  packageListJson?: string[];
  packagesUrl?: string;
  config?: string;
  title?: string;
  allowEmpty?: boolean;
  strict?: boolean;
  quiet?: boolean;
}

export async function runBuild(opts: BuildCommandOptions): Promise<void> {
  const started = performance.now();
  const base = opts.config ? await loadIndexConfig(opts.config) : validateIndexConfig({});
  // Command-line flags win over the file, like every other tool users know.
  const config = validateIndexConfig({
    ...base,
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    ...(opts.packagesUrl !== undefined ? { packagesUrl: opts.packagesUrl } : {}),
  }, "command line");
  const sources = (opts.from?.length ?? 0) + (opts.packageList?.length ?? 0) + (opts.packageListJson?.length ?? 0);
  if (sources === 0 && !opts.allowEmpty) {
    throw new UserError("nothing to index: give at least one --from, --package-list or --package-list-json");
  }
  const warnings = new Warnings(printWarning);
  const result = await buildSite({
    from: opts.from ?? [],
    packageLists: opts.packageList ?? [],
    packageListsJson: opts.packageListJson ?? [],
    config,
    allowEmpty: opts.allowEmpty ?? false,
    warnings,
    progress: terminalProgress(),
  });
  if (opts.strict && warnings.items.length > 0) {
    throw new UserError(`--strict: ${warnings.items.length} warning(s) above; nothing was written`);
  }
  const stats = await writeSiteToFolder(result.site, opts.out);
  if (!opts.quiet) {
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    process.stdout.write(
      `Built ${result.index.projects.length} projects, ${result.files} files into ${opts.out} in ${seconds}s ` +
        `(${stats.written} written, ${stats.unchanged} unchanged, ${stats.removed} removed` +
        `${warnings.items.length ? `, ${warnings.items.length} warnings` : ""}).\n`,
    );
  }
}
