import { createRequire } from "node:module";
import type cliProgress from "cli-progress";

/** Progress of long work (hashing a folder, scanning repositories, downloading assets). */
export interface Progress {
  start(label: string, total: number): void;
  /** `detail` replaces the free text after the counts, e.g. "12.3 MB downloaded". */
  tick(count?: number, detail?: string): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, stop() {} };

/** Short jobs finish before a report would help; showing one would only add noise. */
const MIN_TOTAL = 20;

/**
 * A bar on stderr when it is a TTY (stdout stays clean for piping); plain lines otherwise, so a CI
 * log shows that a long run is alive without a bar's control characters.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

/** Required when a bar is first drawn: a build on a terminal that shows none, or one in CI, does not load it. */
let bars: typeof cliProgress | undefined;

function barProgress(stream: NodeJS.WriteStream): Progress {
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(label, total) {
      if (total < MIN_TOTAL) return;
      bars ??= createRequire(import.meta.url)("cli-progress") as typeof cliProgress;
      bar = new bars.SingleBar({ stream, format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted} {detail}`, hideCursor: true, clearOnComplete: true }, bars.Presets.shades_classic);
      bar.start(total, 0, { detail: "" });
    },
    tick(count = 1, detail) {
      bar?.increment(count, detail === undefined ? undefined : { detail });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** One line at the start, then at most one every `intervalMs`, and one at the end. */
export function lineProgress(stream: { write(text: string): unknown }, intervalMs = 5000): Progress {
  let label = "";
  let total = 0;
  let done = 0;
  let detail = "";
  let active = false;
  let last = 0;
  const line = (): void => {
    stream.write(`${label}: ${done}/${total}${detail ? ` (${detail})` : ""}\n`);
    last = performance.now();
  };
  return {
    start(l, t) {
      label = l;
      total = t;
      done = 0;
      detail = "";
      active = t >= MIN_TOTAL;
      if (active) line();
    },
    tick(count = 1, d) {
      done += count;
      if (d !== undefined) detail = d;
      if (active && performance.now() - last >= intervalMs) line();
    },
    stop() {
      if (active) line();
      active = false;
    },
  };
}
