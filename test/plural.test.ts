import { test } from "node:test";
import assert from "node:assert/strict";
import { plural } from "../generator/diagnostics/plural.js";

test("a count reads as a person would write it: one is singular, zero and many are plural, an irregular plural is given", () => {
  assert.deepEqual(
    [0, 1, 2, 1500].map((n) => plural(n, "project")),
    ["0 projects", "1 project", "2 projects", "1500 projects"],
  );
  assert.deepEqual(
    [1, 3].map((n) => plural(n, "repository", "repositories")),
    ["1 repository", "3 repositories"],
  );
});
