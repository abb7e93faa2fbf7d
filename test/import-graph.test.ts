/**
 * The layers of generator/ and infra/, as the imports draw them: no module reaches itself through
 * its imports, no folder reaches itself through its modules' imports, the shared contracts (generator/protocol/) stand on nothing of ours, and the build
 * pipeline never reaches into the request-time code (generator/serving/).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { folderGraph, importCycles, importGraph } from "./helpers/import-graph.js";
import { repoRoot } from "./helpers/paths.js";

const graph = importGraph(repoRoot, ["generator", "infra"]);

const PROTOCOL = "generator/protocol/";
const SERVING = "generator/serving/";
/** Who may import the request-time code: the commands and the demo they run, the publisher that writes the access map beside the site, and the stack. */
const SERVING_USERS = ["generator/cli/", "generator/demo/", "generator/publish/", "infra/"];

/** `from -> to` for every import of a module matching `from` into one that does not satisfy `allowed`. */
function importsBreaking(from: (m: string) => boolean, allowed: (to: string) => boolean): string[] {
  const found: string[] = [];
  for (const [module, imports] of graph) {
    if (!from(module)) continue;
    for (const to of imports) if (!allowed(to)) found.push(`${module} -> ${to}`);
  }
  return found.sort();
}

test("the folders the rules name hold modules (a rename must not turn a rule into a no-op)", () => {
  for (const folder of [PROTOCOL, SERVING]) {
    assert.ok(
      [...graph.keys()].some((m) => m.startsWith(folder)),
      `no module under ${folder}`,
    );
  }
});

test("generator/ and infra/ have no import cycle", () => {
  const cycles = importCycles(graph);
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.map((c) => `  ${c.join(" <-> ")}`).join("\n")}`);
});

test("the folders of generator/ and infra/ have no import cycle either: each folder is a layer", () => {
  const folders = folderGraph(graph);
  assert.ok(folders.size >= 20, `only ${folders.size} folders found`);
  const cycles = importCycles(folders);
  assert.deepEqual(cycles, [], `folder import cycles:\n${cycles.map((c) => `  ${c.join(" <-> ")}`).join("\n")}`);
});

test("generator/protocol/ imports nothing of ours outside itself", () => {
  assert.deepEqual(
    importsBreaking(
      (m) => m.startsWith(PROTOCOL),
      (to) => to.startsWith(PROTOCOL),
    ),
    [],
  );
});

test("the pipeline never imports the request-time code", () => {
  const inServingOrUser = (m: string): boolean => m.startsWith(SERVING) || SERVING_USERS.some((u) => m.startsWith(u));
  assert.deepEqual(
    importsBreaking(
      (m) => !inServingOrUser(m),
      (to) => !to.startsWith(SERVING),
    ),
    [],
  );
});

test("the checks can fail: a folder cycle with no module cycle is found, and so is a module cycle", () => {
  const modules = new Map([
    ["g/a/one.ts", new Set(["g/b/two.ts"])],
    ["g/b/two.ts", new Set<string>()],
    ["g/b/three.ts", new Set(["g/a/four.ts"])],
    ["g/a/four.ts", new Set<string>()],
  ]);
  assert.deepEqual(importCycles(modules), []);
  assert.deepEqual(importCycles(folderGraph(modules)), [["g/a", "g/b"]]);
  modules.get("g/b/two.ts")?.add("g/a/one.ts");
  assert.deepEqual(importCycles(modules), [["g/a/one.ts", "g/b/two.ts"]]);
});
