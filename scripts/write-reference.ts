/**
 * `npm run docs`: writes the generated references (docs/reference/ and Pulumi.yaml's `config:`
 * block) from the code that defines each fact: the command's definitions, the settings schemas,
 * the warning codes. test/reference-docs.test.ts fails while a committed one differs.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { referenceFiles } from "./reference/pages.js";

const root = fileURLToPath(new URL("../", import.meta.url));
for (const [path, text] of referenceFiles(root)) {
  const file = join(root, path);
  if (existsSync(file) && readFileSync(file, "utf8") === text) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${path}`);
}
