// The floor for a build: the same files (paths and bytes) the build wrote, written into a new
// folder by a process that does nothing else. The files come packed in one file (PACK, with its
// index PACK.json, made by the benchmark beforehand), read a file at a time, so the process
// reads one sequential stream and holds one file's bytes. mkdir and writeFileSync, one after
// another: on tmpfs that is faster than many writes in flight (measured: about half the time of
// 64 promises through the thread pool). Plain JavaScript, so no loader starts with it.
//
//     node bare-writer.mjs PACK OUT
import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const [pack, out] = process.argv.slice(2);
if (!pack || !out) throw new Error("usage: bare-writer.mjs PACK OUT");
/** @type {[string, number][]} */
const index = JSON.parse(readFileSync(`${pack}.json`, "utf8"));
const fd = openSync(pack, "r");
let buffer = Buffer.alloc(1 << 20);
const made = new Set();
for (const [path, length] of index) {
  const target = join(out, path);
  const dir = dirname(target);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  if (length > buffer.length) buffer = Buffer.alloc(length);
  for (let got = 0; got < length;) {
    const n = readSync(fd, buffer, got, length - got, null);
    if (n === 0) throw new Error(`${pack} ends inside ${path}`);
    got += n;
  }
  writeFileSync(target, buffer.subarray(0, length));
}
closeSync(fd);
