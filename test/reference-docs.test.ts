/**
 * The references are generated from the code that defines each fact (scripts/write-reference.ts,
 * `npm run docs`): the committed pages and Pulumi.yaml's `config:` block must be what the code
 * says now, the help text that still lists keys by hand must list the schema's, every warning
 * code said anywhere must be described, and Pulumi.yaml's project defaults must change nothing.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { buildProgram } from "../generator/cli/program.js";
import { projectFileSchema } from "../generator/config/project-file.js";
import { WARNING_CODES } from "../generator/diagnostics/warning-codes.js";
import { readStackConfig } from "../infra/config/stack-config.js";
import { referenceFiles } from "../scripts/reference/pages.js";
import { repoRoot } from "./helpers/paths.js";

test("every generated reference, and Pulumi.yaml's config block, is what the code says now", () => {
  const stale: string[] = [];
  for (const [path, text] of referenceFiles(repoRoot)) {
    const file = join(repoRoot, path);
    if (!existsSync(file) || readFileSync(file, "utf8") !== text) stale.push(`${path} is out of date: run npm run docs`);
  }
  assert.deepEqual(stale, []);
});

test("build --config's help names exactly the keys the settings file takes", () => {
  const build = buildProgram().commands.find((c) => c.name() === "build");
  const help = build?.options.find((o) => o.long === "--config")?.description ?? "";
  // "settings file (YAML or JSON): title, yanked, ..., files (the github-pypi:* stack keys); flags win"
  const listed = /:\s*([A-Za-z]+(?:, [A-Za-z]+)*)/.exec(help)?.[1]?.split(", ") ?? [];
  assert.deepEqual([...listed].sort(), Object.keys(projectFileSchema.shape).sort(), `--config's help: ${help}`);
});

/** Every .ts file under a folder, as its text. */
function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(join(repoRoot, dir), { recursive: true, encoding: "utf8" })
    .filter((p) => p.endsWith(".ts"))
    .map((p) => ({ path: `${dir}/${p}`, text: readFileSync(join(repoRoot, dir, p), "utf8") }));
}

test("every warning code the code prints is described, and every described code is raised somewhere", () => {
  const code = sources("generator")
    .concat(sources("infra"))
    .filter((f) => !f.path.endsWith("diagnostics/warning-codes.ts"));
  const described = new Set(Object.keys(WARNING_CODES));
  const printed = code.flatMap((f) => [...f.text.matchAll(/warning\[([a-z-]+)\]/g)].map((m) => `${m[1]} (${f.path})`));
  assert.deepEqual(
    printed.filter((p) => !described.has(p.split(" ")[0] ?? "")),
    [],
    "printed but not in generator/diagnostics/warning-codes.ts",
  );
  const raised = [...described].filter((c) => code.some((f) => f.text.includes(`"${c}"`) || f.text.includes(`warning[${c}]`)));
  assert.deepEqual(
    [...described].filter((c) => !raised.includes(c)),
    [],
    "described but never raised",
  );
});

test("Pulumi.yaml's project defaults change nothing the program reads (Pulumi applies them as if the stack had set them)", () => {
  const project = parseYaml(readFileSync(join(repoRoot, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown }> };
  const defaults = Object.entries(project.config).filter(([, spec]) => spec.default !== undefined);
  assert.ok(defaults.length > 0, "some keys have a project default");
  // Pulumi hands every value to the program as a string; objects arrive as JSON.
  const asConfig = (values: Record<string, unknown>): Record<string, string> => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  const read = (values: Record<string, unknown>): unknown => {
    pulumi.runtime.setAllConfig(asConfig(values));
    try {
      return readStackConfig();
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };
  const stacks: Record<string, unknown>[] = [
    {},
    // The keys the program reads as set or unset: a private index mirrors, an old cdn.indexMaxAgeSeconds stands in.
    { "github-pypi:cdn": { enabled: true, access: "github" } },
    { "github-pypi:cdn": { enabled: true, indexMaxAgeSeconds: 600 } },
  ];
  for (const stack of stacks) {
    const withDefaults = { ...Object.fromEntries(defaults.map(([k, spec]) => [k, spec.default])), ...stack };
    const alone = read(stack);
    assert.equal(typeof alone, "object", String(alone));
    assert.deepEqual(read(withDefaults), alone, `stack config ${JSON.stringify(stack)}`);
  }
  pulumi.runtime.setAllConfig({});
});
