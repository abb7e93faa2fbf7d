/**
 * The build against what it cannot vouch for: incomplete archives, bytes changed under a published
 * name, hostile link schemes, odd timestamps, links in --from, folder modes. Python's tarfile
 * and zipfile are the oracle for "broken".
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import { hashAndCheckArchive } from "../generator/metadata/check-archive.js";
import { describeSite } from "../generator/site/site-objects.js";
import { parseIndexableFilename, type ParsedFilename } from "../generator/names/filename.js";
import { sha256File } from "../generator/util/hash-file.js";
import { cliPath, demoDists, tempDir } from "./helpers/paths.js";
import { makeSdist, makeWheel } from "./helpers/python-dists.js";
import { clientEnv, run } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";

const SDIST = "demo_core-1.2.0.tar.gz";
const WHEEL = "demo_core-1.2.0-py3-none-any.whl";

function parsed(name: string): ParsedFilename {
  const r = parseIndexableFilename(name);
  assert.ok(r.ok, name);
  return r.value;
}

/** Whether Python can read the archive to its end: the oracle the index must agree with. */
function pythonReads(path: string): boolean {
  const script =
    path.endsWith(".whl") || path.endsWith(".zip")
      ? "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None"
      : "import gzip, io, sys, tarfile\ndata = gzip.decompress(open(sys.argv[1], 'rb').read())\nwith tarfile.open(fileobj=io.BytesIO(data)) as t:\n    names = t.getnames()\nassert any(n.endswith('/PKG-INFO') for n in names) and len(names) > 2, names";
  try {
    execFileSync("python3", ["-c", script, path], { stdio: "ignore", env: clientEnv() });
    return true;
  } catch {
    return false;
  }
}

/** The demo sdist with its tar cut right after PKG-INFO, then gzipped properly: valid gzip, incomplete tar. */
function cutAfterPkgInfo(): Buffer {
  const tar = gunzipSync(readFileSync(join(demoDists, SDIST)));
  // Walk the headers to the end of the PKG-INFO entry.
  let offset = 0;
  for (;;) {
    const name = tar
      .subarray(offset, offset + 100)
      .toString("latin1")
      .replace(/\0.*$/s, "");
    const size = parseInt(
      tar
        .subarray(offset + 124, offset + 136)
        .toString("latin1")
        .replace(/\0.*$/s, "")
        .trim() || "0",
      8,
    );
    offset += 512 + Math.ceil(size / 512) * 512;
    if (name.endsWith("/PKG-INFO")) break;
  }
  return gzipSync(tar.subarray(0, offset));
}

test("cut, corrupt and incomplete archives are each a named warning and are not indexed; the good files still are", async () => {
  const dir = tempDir("broken-dists");
  const sdist = readFileSync(join(demoDists, SDIST));
  const wheel = readFileSync(join(demoDists, WHEEL));
  const broken: Record<string, Buffer> = {
    "cut_at_300-1.0.tar.gz": sdist.subarray(0, 300),
    "cut_before_trailer-1.0.tar.gz": sdist.subarray(0, sdist.length - 4),
    "cut_after_pkg_info-1.0.tar.gz": cutAfterPkgInfo(),
    "corrupt_inside-1.0.tar.gz": Buffer.concat([sdist.subarray(0, 40), Buffer.alloc(64, 0x55), sdist.subarray(104)]),
    "cut_wheel-1.0-py3-none-any.whl": wheel.subarray(0, Math.floor(wheel.length / 2)),
    "not_a_zip-1.0.zip": Buffer.from("PK\u0003\u0004 and nothing else"),
  };
  for (const [name, bytes] of Object.entries(broken)) {
    writeFileSync(join(dir, name), bytes);
    assert.equal(pythonReads(join(dir, name)), false, `Python agrees ${name} is broken`);
  }
  copyFileSync(join(demoDists, SDIST), join(dir, SDIST));
  copyFileSync(join(demoDists, WHEEL), join(dir, WHEEL));
  assert.ok(pythonReads(join(dir, SDIST)) && pythonReads(join(dir, WHEEL)), "and that the good ones are fine");

  const site = join(tempDir("broken-site"), "site");
  const r = await buildTo(site, { from: [dir] });
  const corrupt = r.warnings.filter((w) => w.code === "corrupt-archive").map((w) => w.subject?.split("/").pop());
  assert.deepEqual(corrupt.sort(), Object.keys(broken).sort());
  assert.equal(r.files, 2, "the two good files only");
  assert.deepEqual(
    r.index.projects.map((p) => p.name),
    ["demo-core"],
  );
});

test("the CLI names the broken file and goes on; --strict refuses to write", async () => {
  const dir = tempDir("cli-broken");
  writeFileSync(join(dir, SDIST), readFileSync(join(demoDists, SDIST)).subarray(0, 300));
  copyFileSync(join(demoDists, WHEEL), join(dir, WHEEL));
  const out = join(tempDir("cli-broken-out"), "site");
  const ok = await run(process.execPath, [cliPath, "build", "--from", dir, "--out", out]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /^warning\[corrupt-archive\]: .*demo_core-1\.2\.0\.tar\.gz: not a complete \.tar\.gz archive: the gzip stream ends early \(truncated\); not indexed$/m);
  assert.doesNotMatch(ok.stderr, /Z_BUF_ERROR|at .*\.ts:\d+/);
  const strict = await run(process.execPath, [cliPath, "build", "--strict", "--from", dir, "--out", join(tempDir("cli-broken-strict"), "site")]);
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /--strict: 1 warning above; nothing was written/);
});

test("the check reads the file once, and its sha256 is the file's, good or broken", async () => {
  const dir = tempDir("hash-check");
  writeFileSync(join(dir, "x-1.0.tar.gz"), readFileSync(join(demoDists, SDIST)).subarray(0, 700));
  for (const [path, name] of [
    [join(demoDists, SDIST), SDIST],
    [join(demoDists, WHEEL), WHEEL],
    [join(dir, "x-1.0.tar.gz"), "x-1.0.tar.gz"],
  ] as const) {
    const checked = await hashAndCheckArchive(path, parsed(name));
    const plain = await sha256File(path);
    assert.deepEqual({ sha256: checked.sha256, size: checked.size }, plain, name);
  }
});

test("inflation is capped: an archive expanding past the limit is refused, and PKG-INFO is not searched for past 64 MiB", async () => {
  // 80 MiB of zeros before PKG-INFO: a few hundred KiB on disk.
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => tar.on("end", () => resolve()));
  tar.entry({ name: "bomb-1.0/zeros.bin", size: 80 * 1024 * 1024 }, Buffer.alloc(80 * 1024 * 1024));
  tar.entry({ name: "bomb-1.0/PKG-INFO" }, "Metadata-Version: 2.1\nName: bomb\nVersion: 1.0\n");
  tar.finalize();
  await ended;
  const dir = tempDir("bomb");
  const path = join(dir, "bomb-1.0.tar.gz");
  writeFileSync(path, gzipSync(Buffer.concat(chunks)));
  assert.equal((await hashAndCheckArchive(path, parsed("bomb-1.0.tar.gz"), { maxInflatedBytes: 16 * 1024 * 1024 })).problem, "inflates past 16777216 bytes: refused as a possible decompression bomb");
  // Under the default limit it is a complete archive, but its metadata is too deep to look for.
  const r = await buildTo(join(tempDir("bomb-site"), "site"), { from: [dir] });
  assert.deepEqual(
    r.warnings.map((w) => w.code),
    ["metadata-unreadable"],
  );
  assert.match(r.warnings[0]?.message ?? "", /no PKG-INFO in the first 64 MiB unpacked/);

  // A normal sdist from the fixtures' own builder is complete.
  const good = await makeSdist({ name: "fine", version: "1.0" });
  writeFileSync(join(dir, good.filename), good.bytes);
  assert.equal((await hashAndCheckArchive(join(dir, good.filename), parsed(good.filename))).problem, undefined);
});

test("a published file name keeps its bytes: a rebuild with other bytes under it stops, naming both sha256s, and leaves the site as it was", async () => {
  const dists = tempDir("immutable-dists");
  for (const name of [WHEEL, SDIST]) copyFileSync(join(demoDists, name), join(dists, name));
  const out = join(tempDir("immutable-site"), "site");
  const first = await run(process.execPath, [cliPath, "build", "--from", dists, "--out", out, "--quiet"]);
  assert.equal(first.code, 0, first.stderr);
  const before = readFileSync(join(out, "files/demo-core", SDIST));

  // Same name, other bytes: a rebuilt sdist (here, another version's bytes).
  copyFileSync(join(demoDists, "demo_core-1.1.0.tar.gz"), join(dists, SDIST));
  const [oldSha, newSha] = [(await sha256File(join(demoDists, SDIST))).sha256, (await sha256File(join(dists, SDIST))).sha256];
  const refused = await run(process.execPath, [cliPath, "build", "--from", dists, "--out", out, "--quiet"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`files/demo-core/${SDIST.replace(/\./g, "\\.")}: published with sha256 ${oldSha}, now ${newSha}`));
  assert.match(refused.stderr, /--replace-file NAME/);
  assert.deepEqual(readFileSync(join(out, "files/demo-core", SDIST)), before, "the site is untouched");

  // On purpose, named: replaced.
  const replaced = await run(process.execPath, [cliPath, "build", "--from", dists, "--out", out, "--quiet", "--replace-file", SDIST]);
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.equal((await sha256File(join(out, "files/demo-core", SDIST))).sha256, newSha);
});

test("only https:, http: and relative URLs become links; any other scheme stops the build, naming its source", async () => {
  const lists = tempDir("schemes");
  writeFileSync(join(lists, "l.txt"), "demo-1.0.tar.gz\n");
  const site = (): string => join(tempDir("schemes-site"), "site");
  for (const packagesUrl of [
    "javascript:alert(document.domain)//",
    "JavaScript:alert(1)//",
    "data:text/html,<script>x</script>/",
    "file:///etc/",
    " javascript:alert(1)//",
    "java\tscript:alert(1)//",
    "\\\\evil.example\\share\\",
  ]) {
    await assert.rejects(
      buildTo(site(), { packageLists: [join(lists, "l.txt")], config: { packagesUrl } }),
      (e: Error) => /l\.txt:1: the URL .* for demo-1\.0\.tar\.gz is not https:, http: \(git\+ for tag links\) or relative/.test(e.message),
      JSON.stringify(packagesUrl),
    );
  }
  for (const packagesUrl of ["https://files.example/pool/", "http://10.0.0.1/pool/", "../../pool/", "/pool/"]) {
    const r = await buildTo(site(), { packageLists: [join(lists, "l.txt")], config: { packagesUrl } });
    assert.equal(r.files, 1, packagesUrl);
  }
});

test("the site folder honours the umask, and temporary folders of dead builds are removed by the next build", async () => {
  const parent = tempDir("modes");
  const out = join(parent, "site");
  const r = await run("sh", ["-c", `umask 022 && exec "${process.execPath}" "${cliPath}" build --from "${demoDists}" --out "${out}" --quiet`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(out).mode & 0o777, 0o755, "readable by a web server running as another user");
  assert.equal(statSync(join(out, "simple")).mode & 0o777, 0o755);

  // Left by a build that was killed: one with a dead pid, one from an older version without a pid.
  const sleeper = spawn("sleep", ["30"]);
  try {
    const dead = join(parent, ".site.building-999999-0a1b2c3d");
    const old = join(parent, ".site.building-Xy12Ab");
    const live = join(parent, `.site.building-${sleeper.pid}-00112233`);
    for (const d of [dead, old, live]) mkdirSync(d);
    const again = await run(process.execPath, [cliPath, "build", "--from", demoDists, "--out", out, "--quiet"]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(readdirSync(parent).sort(), [`.site.building-${sleeper.pid}-00112233`, "site", "site.access.json"], "a running build's folder is left alone");
  } finally {
    sleeper.kill();
  }
});

test("a build interrupted while writing (SIGINT, SIGTERM) removes its temporary folder and leaves the previous site as it was", { timeout: 120_000 }, async () => {
  const parent = tempDir("signals", { inMemory: true });
  const out = join(parent, "site");
  // 8,000 linked files in 2,000 projects: 6,000 pages take a few hundred milliseconds to write even in memory, far longer than a signal takes to land.
  const list = join(parent, "list.txt");
  writeFileSync(list, Array.from({ length: 8_000 }, (_, i) => `proj${i % 2000}-1.${Math.floor(i / 2000)}.0.tar.gz\n`).join(""));
  const args = ["build", "--package-list", list, "--packages-url", "https://files.example.com/pool/", "--out", out, "--quiet"];
  const first = await run(process.execPath, [cliPath, ...args]);
  assert.equal(first.code, 0, first.stderr);
  const snapshot = (): string => execFileSync("sh", ["-c", `cd "${out}" && find . -type f | sort | xargs sha256sum | sha256sum`]).toString();
  const before = snapshot();
  writeFileSync(join(parent, "list-2.txt"), `${readFileSync(list, "utf8")}newproj-1.0.tar.gz\n`);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    const child = spawn(process.execPath, [cliPath, ...args.map((a) => (a === list ? join(parent, "list-2.txt") : a))], { stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    // Signal as soon as the write has begun, which the temporary folder beside the site shows.
    for (let i = 0; !readdirSync(parent).some((n) => n.startsWith(".site.building-")); i++) {
      assert.ok(i < 30_000, "the build never started writing");
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill(signal);
    assert.equal(await exited, code, `${signal} ends the build with ${code}`);
    assert.deepEqual(readdirSync(parent).sort(), ["list-2.txt", "list.txt", "site", "site.access.json"], `nothing left behind after ${signal}`);
    assert.equal(snapshot(), before, `the previous site is untouched after ${signal}`);
  }
});

test("--from follows symbolic links to files and folders, reads a loop once, and names what it skips", async () => {
  const elsewhere = tempDir("link-targets");
  copyFileSync(join(demoDists, WHEEL), join(elsewhere, WHEEL));
  mkdirSync(join(elsewhere, "sdists"));
  copyFileSync(join(demoDists, SDIST), join(elsewhere, "sdists", SDIST));
  const dir = tempDir("linked-from");
  symlinkSync(join(elsewhere, WHEEL), join(dir, WHEEL));
  symlinkSync(join(elsewhere, "sdists"), join(dir, "sdists"));
  mkdirSync(join(dir, "sub"));
  symlinkSync(dir, join(dir, "sub", "loop"));
  symlinkSync(join(elsewhere, "gone-1.0.tar.gz"), join(dir, "gone-1.0.tar.gz"));
  const r = await buildTo(join(tempDir("linked-site"), "site"), { from: [dir] });
  assert.equal(r.files, 2, "the linked wheel and the sdist in the linked folder");
  const skipped = r.warnings.map((w) => `${w.code} ${w.subject?.slice(dir.length)}`).sort();
  assert.deepEqual(skipped, ["unsupported-file /gone-1.0.tar.gz", "unsupported-file /sub/loop"]);
});

test("a package list's upload_timestamp must be seconds: milliseconds or a negative time is an error with the line number", async () => {
  const lists = tempDir("timestamps");
  const line = (ts: unknown): string => JSON.stringify({ filename: "x-1.0.tar.gz", hash: `sha256=${"a".repeat(64)}`, upload_timestamp: ts });
  for (const [ts, why] of [
    [1_700_000_000_000, /after the year 9999 \(milliseconds\?\)/],
    [-5, /upload_timestamp/],
  ] as const) {
    writeFileSync(join(lists, "l.jsonl"), `${line(1_700_000_000)}\n${line(ts)}\n`);
    await assert.rejects(
      buildTo(join(tempDir("ts-site"), "site"), { packageListsJson: [join(lists, "l.jsonl")], config: { packagesUrl: "https://f.example/" } }),
      (e: Error) => /l\.jsonl:2: upload_timestamp/.test(e.message) && why.test(e.message),
    );
  }
  writeFileSync(join(lists, "ok.jsonl"), `${line(1_700_000_000)}\n`);
  const r = await buildTo(join(tempDir("ts-site"), "site"), { packageListsJson: [join(lists, "ok.jsonl")], config: { packagesUrl: "https://f.example/" } });
  assert.equal(r.index.projects[0]?.files[0]?.uploadTime, "2023-11-14T22:13:20.000Z");
});

test("the publishers' description of a site refuses a distribution whose bytes changed since the build, even at the same size", async () => {
  const dir = tempDir("changed-under-build");
  const file = join(dir, "acme_x-1.0-py3-none-any.whl");
  writeFileSync(file, "first bytes");
  const { sha256 } = await sha256File(file);
  const site = new Map([
    ["files/acme-x/acme_x-1.0-py3-none-any.whl", { body: { file, size: 11, sha256 }, contentType: "application/octet-stream", cacheControl: "public, max-age=31536000, immutable" }],
  ]);
  const described = await describeSite(site);
  // git's blob id and S3's MD5 of the same bytes, as git and md5sum compute them.
  assert.equal(described["files/acme-x/acme_x-1.0-py3-none-any.whl"]?.gitBlob, execFileSync("git", ["hash-object", file]).toString().trim());
  assert.equal(described["files/acme-x/acme_x-1.0-py3-none-any.whl"]?.md5, execFileSync("md5sum", [file]).toString().split(" ")[0]);
  writeFileSync(file, "other bytes");
  await assert.rejects(describeSite(site), /changed since the site was built: 11 bytes with sha256 [0-9a-f]{64}, the index lists 11 bytes/);
});

test("a wheel's metadata is its own {name}-{version}.dist-info/METADATA: another project's dist-info is never taken for it", async () => {
  const dir = tempDir("dist-info");
  // A vendored package's dist-info comes first in the archive; the wheel's own folder is spelled as an old tool would.
  const vendored = makeWheel({ name: "acme-core", version: "1.0", summary: "the real one", distInfoName: "Acme.Core-1.0.0", otherDistInfo: [{ name: "vendored-thing", version: "2.0" }] });
  // Only a foreign dist-info: the wheel has no metadata of its own.
  const foreign = makeWheel({ name: "acme-other", version: "1.0", distInfoName: "someone_else-1.0" });
  for (const w of [vendored, foreign]) writeFileSync(join(dir, w.filename), w.bytes);
  // METADATA listed twice: Python's zipfile, and so pip, reads the last entry of a name.
  const script = [
    "import sys, warnings, zipfile",
    "warnings.simplefilter('ignore')",
    "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
    "    z.writestr('twice/__init__.py', '')",
    "    z.writestr('twice-1.0.dist-info/METADATA', 'Metadata-Version: 2.1\\nName: twice\\nVersion: 1.0\\nSummary: first\\n')",
    "    z.writestr('twice-1.0.dist-info/METADATA', 'Metadata-Version: 2.1\\nName: twice\\nVersion: 1.0\\nSummary: last\\n')",
    "    z.writestr('twice-1.0.dist-info/WHEEL', 'Wheel-Version: 1.0\\n')",
  ].join("\n");
  execFileSync("python3", ["-c", script, join(dir, "twice-1.0-py3-none-any.whl")], { env: clientEnv() });
  const site = join(tempDir("dist-info-site"), "site");
  const r = await buildTo(site, { from: [dir] });
  assert.equal(r.index.projects.find((p) => p.name === "twice")?.files[0]?.metadata?.summary, "last");
  assert.deepEqual(readFileSync(join(site, "files/acme-core", `${vendored.filename}.metadata`)), Buffer.from(vendored.metadata));
  assert.equal(r.index.projects.find((p) => p.name === "acme-core")?.files[0]?.metadata?.summary, "the real one");
  assert.deepEqual(
    r.warnings.map((w) => `${w.code} ${w.subject?.slice(dir.length)}`),
    [`metadata-unreadable /${foreign.filename}`],
  );
  assert.equal(existsSync(join(site, "files/acme-other", `${foreign.filename}.metadata`)), false);
});
