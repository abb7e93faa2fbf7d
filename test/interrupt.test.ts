/** The command's handling of SIGINT and SIGTERM (generator/cli/interrupt.ts), against a stand-in for the process. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { interruptible, type SignalHost } from "../generator/cli/interrupt.js";

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** A process that records its exit instead of ending. */
function standIn(): SignalHost & EventEmitter {
  return Object.assign(new EventEmitter(), {
    exit(code: number): never {
      throw new Exited(code);
    },
  });
}

const counts = (host: EventEmitter): number[] => ["SIGINT", "SIGTERM"].map((s) => host.listenerCount(s));

test("work that is not interrupted returns its value or its error, and leaves no listener", async () => {
  const host = standIn();
  assert.equal(await interruptible(async () => 7, host), 7);
  await assert.rejects(
    interruptible(() => Promise.reject(new Error("broken")), host),
    /broken/,
  );
  assert.deepEqual(counts(host), [0, 0]);
});

for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  test(`${signal} aborts the work, and the process exits ${code} once the work has settled (cleaned up)`, async () => {
    const host = standIn();
    let cleanedUp = false;
    const running = interruptible(
      (abort) =>
        new Promise<void>((_, reject) => {
          abort.addEventListener("abort", () =>
            setImmediate(() => {
              cleanedUp = true;
              reject(abort.reason);
            }),
          );
        }),
      host,
    );
    assert.deepEqual(counts(host), [1, 1]);
    host.emit(signal, signal);
    await assert.rejects(running, (e) => e instanceof Exited && e.code === code && cleanedUp);
    assert.deepEqual(counts(host), [0, 0]);
  });
}

test("the abort's reason is an AbortError naming the signal", async () => {
  const host = standIn();
  let reason: unknown;
  const running = interruptible((abort) => new Promise<void>((_, reject) => abort.addEventListener("abort", () => reject((reason = abort.reason)))), host);
  host.emit("SIGINT", "SIGINT");
  await assert.rejects(running, Exited);
  assert.ok(reason instanceof DOMException && reason.name === "AbortError" && /SIGINT/.test(reason.message), String(reason));
});

test("a second signal exits at once, without waiting for the work", () => {
  const host = standIn();
  void interruptible(() => new Promise<void>(() => undefined), host);
  host.emit("SIGTERM", "SIGTERM");
  assert.throws(
    () => host.emit("SIGINT", "SIGINT"),
    (e) => e instanceof Exited && e.code === 130,
  );
});

test("work that finishes after the signal still ends the command with the signal's code", async () => {
  const host = standIn();
  let finish = (): void => undefined;
  const running = interruptible(() => new Promise<void>((resolve) => (finish = resolve)), host);
  host.emit("SIGINT", "SIGINT");
  finish();
  await assert.rejects(running, (e) => e instanceof Exited && e.code === 130);
});
