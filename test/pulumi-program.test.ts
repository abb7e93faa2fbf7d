/** The Pulumi program under Pulumi's own mocks: stack config goes through the shared schema. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { readIndexSettings } from "../infra/index-settings.js";

pulumi.runtime.setMocks(
  {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  },
  "github-pypi",
  "dev",
);

function withConfig(values: Record<string, string>): void {
  pulumi.runtime.setAllConfig(values);
}

test("stack config is read through the same schema as the CLI's --config", () => {
  withConfig({
    "github-pypi:title": "Acme",
    "github-pypi:indexMaxAgeSeconds": "60",
    "github-pypi:yanked": JSON.stringify({ "acme-data": { "2.1.0": "bad" } }),
  });
  const s = readIndexSettings(new pulumi.Config("github-pypi"));
  assert.equal(s.title, "Acme");
  assert.equal(s.indexMaxAgeSeconds, 60);
  assert.deepEqual(s.yanked, { "acme-data": { "2.1.0": "bad" } });
});

test("a bad stack config value is an error naming the key", () => {
  withConfig({ "github-pypi:yanked": JSON.stringify({ "acme-data": ["2.1.0"] }) });
  assert.throws(() => readIndexSettings(new pulumi.Config("github-pypi")), /stack config \(github-pypi:\*\): invalid configuration\n\s+yanked\.acme-data:/);
});

test("the program exports the validated settings", async () => {
  withConfig({ "github-pypi:title": "Acme", "github-pypi:yanked": JSON.stringify({ a: { "1.0": true, "2.0": "x" } }) });
  const program = await import("../infra/index.js");
  assert.equal(program.title, "Acme");
  assert.equal(program.indexMaxAgeSeconds, 300);
  assert.equal(program.yankedReleases, 2);
});
