import cliProgress from "cli-progress";

/** Progress of long work (hashing a folder, downloading assets), shown only to a person at a terminal. */
export interface Progress {
  start(label: string, total: number): void;
  tick(count?: number): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, stop() {} };

/** A bar on stderr when it is a TTY (so stdout stays clean for piping), silent otherwise. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(label, total) {
      // Short jobs finish before a bar would help; showing one would only flicker.
      if (total < 20) return;
      bar = new cliProgress.SingleBar(
        { stream, format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    tick(count = 1) {
      bar?.increment(count);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
