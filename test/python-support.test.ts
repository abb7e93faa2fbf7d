/**
 * Whether a Requires-Python admits some CPython 3 released or soon to be (3.0.0 to 3.14.9 and the
 * horizon up to 3.19.30): the verdicts are Python's `packaging` 26 (`SpecifierSet.contains` over
 * those versions), and a specifier pip
 * cannot parse admits every Python, since pip ignores it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { admitsSomePython } from "../generator/catalog/python-support.js";

const CASES: Array<[spec: string | undefined, admits: boolean]> = [
  [undefined, true],
  [">=3.8", true],
  [">=3.99", false],
  [">=4", false],
  ["<3", false],
  ["<3.0", false],
  ["<=3.0", true],
  ["<3.0.1", true],
  ["<=2.7.18", false],
  ["==2.7.*", false],
  ["==3.*", true],
  ["==4.*", false],
  ["!=3.*", false],
  [">=3.8,<3.8", false],
  [">=3.8,!=3.8.*,<3.9", false],
  [">=3.14", true],
  [">3.14", true],
  [">=3.19.30", true],
  [">3.19.30", false],
  [">=3.20", false],
  ["==3.14", true],
  ["==3.13.9", true],
  ["==3.13.10", false],
  ["~=3.12", true],
  ["~=3.14.0", true],
  ["~=3.14.1", true],
  ["==3.14.31", false],
  ["~=4.0", false],
  ["~=3.14.0rc1", true],
  ["===3.11.4", true],
  ["===3.11", false],
  ["==3.11.4+local", false],
  ["!=3.11.4+local", true],
  ["==1!3.8.*", false],
  [">=1!3", false],
  ["==3.8.0.0.*", true],
  ["==03.08.*", true],
  ["==v3.9.*", true],
  [">3.14.0.post1", true],
  [">3.19.30.post1", false],
  ["<3.0.0rc1", false],
  [">=3.14.0rc1,<3.14.0", false],
  [">=3.10,<3.10.0", false],
  ["  >= 3.8 ,  ", true],
  [">=3.8,", true],
  // Not a specifier pip accepts (a wildcard after a pre-release): ignored, so any Python installs it.
  ["==3.8.0rc1.*", true],
  [">=3.99 or so", true],
];

test("a Requires-Python admits some released CPython exactly when packaging says one meets it", () => {
  for (const [spec, admits] of CASES) assert.equal(admitsSomePython(spec), admits, JSON.stringify(spec));
});
