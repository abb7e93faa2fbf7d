// The floor for reading a list: the JSON-lines list read as the build reads it (a stream, split at
// "\n", a chunk's lines at a time) and each line parsed with JSON.parse, nothing kept. With the
// bare writer it bounds what any build in Node could take: read the list, write the files.
// Plain JavaScript, so no loader starts with it.
//
//     node bare-reader.mjs LIST
import { createReadStream } from "node:fs";

const [list] = process.argv.slice(2);
if (!list) throw new Error("usage: bare-reader.mjs LIST");
let rest = "";
let lines = 0;
const parse = (line) => {
  if (line.trim() === "") return;
  JSON.parse(line);
  lines++;
};
for await (const chunk of createReadStream(list, { encoding: "utf8" })) {
  const parts = (rest + chunk).split("\n");
  rest = parts.pop() ?? "";
  for (const line of parts) parse(line);
}
parse(rest);
if (lines === 0) throw new Error(`${list}: no lines`);
