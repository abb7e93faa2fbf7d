/**
 * Ctrl+C and termination, for the command alone: the library never listens to the process's
 * signals (it runs inside other programs, `pulumi up` among them); it takes an AbortSignal. The
 * first SIGINT or SIGTERM aborts the work, which starts nothing more and removes what it was
 * writing; the process then exits 130 or 143, as a shell reports a process that signal ended. A
 * second signal exits at once: the next build removes the folder that one left.
 */

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type Handled = keyof typeof EXIT_CODES;
const HANDLED = Object.keys(EXIT_CODES) as Handled[];

/** What `interruptible` needs of the process (the process itself, or a stand-in in a test). */
export interface SignalHost {
  on(event: Handled, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: Handled, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): never;
}

/** Runs `work` with the signals turned into an abort, and exits with the signal's code once it has settled. */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>, host: SignalHost = process): Promise<T> {
  const controller = new AbortController();
  let received: Handled | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    const name: Handled = signal === "SIGINT" ? "SIGINT" : "SIGTERM";
    if (received) host.exit(EXIT_CODES[name]);
    received = name;
    controller.abort(new DOMException(`interrupted by ${name}`, "AbortError"));
  };
  for (const s of HANDLED) host.on(s, onSignal);
  let settled: { value: T } | { error: unknown };
  try {
    settled = await work(controller.signal).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  } finally {
    for (const s of HANDLED) host.off(s, onSignal);
  }
  // Asked to stop, the command stops once the work has cleaned up, whether it failed while stopping or had just finished.
  if (received) host.exit(EXIT_CODES[received]);
  if ("error" in settled) throw settled.error;
  return settled.value;
}
