/**
 * The folder publisher as a library (the stack calls it inside `pulumi up`): it never listens to
 * the process's signals nor exits; an AbortSignal stops it, and it leaves the previous site as it
 * was and no temporary folder behind.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { buildSite } from "../generator/build.js";
import { validateIndexConfig } from "../generator/config/load.js";
import { Warnings } from "../generator/diagnostics/warnings.js";
import { buildAndWrite } from "../generator/publish/build-and-write.js";
import { writeSiteToFolder } from "../generator/publish/local-folder.js";
import { wantsThread } from "../generator/publish/page-writer.js";
import { portableOf } from "../generator/publish/write-entries.js";
import type { Site } from "../generator/site/site.js";
import { snapshot } from "./helpers/files.js";
import { tempDir } from "./helpers/paths.js";

const config = validateIndexConfig({ packagesUrl: "https://files.example/pool/" });

/** A package list of `projects` projects with `each` files apiece, in `dir`. */
function packageList(dir: string, projects: number, each: number): string {
  const path = join(dir, `list-${projects}x${each}.txt`);
  writeFileSync(path, Array.from({ length: projects * each }, (_, i) => `proj${i % projects}-1.${Math.floor(i / projects)}.0.tar.gz\n`).join(""));
  return path;
}

async function siteOf(list: string): Promise<Site> {
  return (await buildSite({ packageLists: [list], config, warnings: new Warnings() })).site;
}

const listeners = (): number[] => ["SIGINT", "SIGTERM"].map((s) => process.listenerCount(s));

/** A folder with a site written in it, and the new site that is to replace it. */
async function previousAndNext(name: string, projects: number, each: number): Promise<{ parent: string; out: string; next: Site }> {
  const parent = tempDir(name, { inMemory: true });
  const lists = tempDir(`${name}-lists`);
  const out = join(parent, "site");
  await writeSiteToFolder(await siteOf(packageList(lists, 2, 1)), out);
  return { parent, out, next: await siteOf(packageList(lists, projects, each)) };
}

test("an already aborted signal: the call rejects with its reason and touches nothing", async () => {
  const { parent, out, next } = await previousAndNext("abort-before", 10, 2);
  const before = snapshot(out);
  const reason = new DOMException("stop", "AbortError");
  await assert.rejects(writeSiteToFolder(next, out, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  assert.deepEqual(readdirSync(parent), ["site"]);
  assert.deepEqual(snapshot(out), before);
});

for (const [what, projects, each, threaded] of [
  ["written by this thread alone", 2000, 4, false],
  ["written with the page writer thread", 1000, 10, true],
] as const) {
  test(`aborted while the site is ${what}: no folder left, the previous site as it was, no signal listener of the process's added`, { timeout: 120_000 }, async () => {
    const { parent, out, next } = await previousAndNext("abort-while", projects, each);
    const portable = [...next.values()].map(portableOf).filter((p) => p !== undefined);
    assert.equal(
      wantsThread(
        portable.length,
        portable.reduce((n, p) => n + p.links, 0),
      ),
      threaded,
      "the site takes the path this test is about",
    );
    const before = snapshot(out);
    const listenersBefore = listeners();
    const controller = new AbortController();
    let settled = false;
    const writing = writeSiteToFolder(next, out, { signal: controller.signal }).finally(() => (settled = true));
    // A few turns in: files written, the thread (when there is one) busy with its batches.
    for (let i = 0; i < 5; i++) await nextTurn();
    assert.equal(settled, false, "still writing when aborted");
    assert.ok(
      readdirSync(parent).some((n) => n.startsWith(".site.building-")),
      "the temporary folder is there",
    );
    assert.deepEqual(listeners(), listenersBefore, "the library listens to no process signal");
    const reason = new DOMException("stop", "AbortError");
    controller.abort(reason);
    await assert.rejects(writing, (e) => e === reason);
    assert.deepEqual(readdirSync(parent), ["site"], "the temporary folder is gone");
    assert.deepEqual(snapshot(out), before, "the previous site is untouched");
    assert.deepEqual(listeners(), listenersBefore);
  });
}

test("buildAndWrite aborted before anything is written (while beforeWrite waits) rejects with the reason and writes nothing", async () => {
  const parent = tempDir("abort-build");
  const out = join(parent, "site");
  const controller = new AbortController();
  const reason = new DOMException("stop", "AbortError");
  const call = buildAndWrite({
    build: { packageLists: [packageList(tempDir("abort-build-lists"), 3, 1)], config },
    out,
    accessMapPath: join(parent, "access.json"),
    signal: controller.signal,
    // A check that never answers (an upstream that hangs), aborted while it waits.
    beforeWrite: () => {
      setImmediate(() => controller.abort(reason));
      return new Promise<void>(() => undefined);
    },
  });
  await assert.rejects(call, (e) => e === reason);
  assert.deepEqual(readdirSync(parent), []);
});
