import type { Warning } from "../diagnostics/warnings.js";

/** One line per warning on stderr, with its code so a log can be grepped or filtered. */
export function printWarning(w: Warning): void {
  process.stderr.write(`warning[${w.code}]: ${w.message}\n`);
}
