// Exit 0 when the Node.js running this (or the version given as the argument) is one that
// package.json's engines.node admits, 1 when not, 2 when the range is written in a form this does
// not read. .ci/run asks it before `npm ci`, so it has no dependencies: it reads `^X.Y.Z` and
// `>=X.Y.Z` parts joined by `||` (test/engines.test.ts holds it to semver's reading).
import { readFileSync } from "node:fs";

const range = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines.node;
const version = (process.argv[2] ?? process.versions.node).split(".").map(Number);
let admitted = false;
for (const part of range.split("||")) {
  const m = /^\s*(\^|>=)\s*(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
  if (!m) {
    console.error(`cannot read engines.node ${JSON.stringify(range)}`);
    process.exit(2);
  }
  const floor = m.slice(2).map(Number);
  const above = (version[0] - floor[0] || version[1] - floor[1] || version[2] - floor[2]) >= 0;
  if (above && (m[1] === ">=" || version[0] === floor[0])) admitted = true;
}
process.exit(admitted ? 0 : 1);
