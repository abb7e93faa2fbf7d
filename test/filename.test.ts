import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { normalizeVersion } from "../generator/names/version.js";
import { isSafeFilename, parseFilename, type FilenameResult, type ParsedFilename } from "../generator/names/filename.js";

function ok(filename: string): ParsedFilename {
  const r = parseFilename(filename);
  if (!r.ok) assert.fail(`${filename}: expected ok, got ${r.problem}: ${r.reason}`);
  return r.value;
}

function notOk(filename: string, problem: "unsafe" | "unsupported" | "invalid"): string {
  const r: FilenameResult = parseFilename(filename);
  if (r.ok) assert.fail(`${filename}: expected ${problem}, got ok ${JSON.stringify(r.value)}`);
  assert.equal(r.problem, problem, `${filename}: ${r.reason}`);
  return r.reason;
}

describe("parseFilename: names", () => {
  test("normalises the project, keeps the spelling", () => {
    const w = ok("Foo_Bar-1.0-py3-none-any.whl");
    assert.equal(w.name, "Foo_Bar");
    assert.equal(w.project, "foo-bar");
    const s = ok("zope.interface-5.4.0.tar.gz");
    assert.equal(s.name, "zope.interface");
    assert.equal(s.project, "zope-interface");
    assert.equal(ok("Foo.-_Bar-1.0.zip").project, "foo-bar");
  });

  test("sdist names may contain dashes and are split on the last one", () => {
    const s = ok("0x10c-asm-0.0.1.tar.gz");
    assert.equal(s.name, "0x10c-asm");
    assert.equal(s.project, "0x10c-asm");
    assert.equal(s.version, "0.0.1");
  });

  test("sdist names are not validated, as in packaging", () => {
    assert.equal(ok("nicolas nester-1.0.0.zip").project, "nicolas nester");
  });

  test("an empty name is invalid (deliberately stricter than packaging)", () => {
    assert.match(notOk("-20160920.193125.zip", "invalid"), /empty project name/);
    assert.match(notOk("-1.0-py3-none-any.whl", "invalid"), /empty project name/);
  });
});

describe("parseFilename: versions", () => {
  const cases: [string, string][] = [
    ["1.0", "1.0"],
    ["1.0-1", "1.0.post1"],
    ["1.0RC1", "1.0rc1"],
    ["1.0.alpha.2", "1.0a2"],
    ["1.0c1", "1.0rc1"],
    ["1.0-r", "1.0.post0"],
    ["1.0-dev", "1.0.dev0"],
    ["1!2.0", "1!2.0"],
    ["0!2.0", "2.0"],
    ["v1.02", "1.2"],
    ["1.0+abc", "1.0+abc"],
    ["1.0+ABC-01_x", "1.0+abc.1.x"],
    ["20230101123456789012", "20230101123456789012"],
  ];
  for (const [raw, normalised] of cases) {
    test(`${raw} -> ${normalised}`, () => {
      assert.equal(normalizeVersion(raw), normalised);
      // A dash cannot survive in a file name: the last one separates the version.
      if (!raw.includes("-")) assert.equal(ok(`pkg-${raw}.tar.gz`).version, normalised);
    });
  }

  test("a dashed version splits like packaging: pkg-1.0-1 is project pkg-1.0, version 1", () => {
    const s = ok("pkg-1.0-1.tar.gz");
    assert.equal(s.project, "pkg-1-0");
    assert.equal(s.version, "1");
  });

  test("surrounding whitespace is stripped, as packaging does", () => {
    assert.equal(ok("thrivext-0.0.3    .tar.gz").version, "0.0.3");
  });

  test("invalid versions name the version", () => {
    assert.match(notOk("alchimia-0.1-dev.tar.gz", "invalid"), /invalid PEP 440 version "dev"/);
    assert.match(notOk("pkg-1.0.linux-x86_64.tar.gz", "invalid"), /"x86_64"/);
    assert.match(notOk("pkg-.2.zip", "invalid"), /version "\.2"/);
    assert.match(notOk("beefapi.tar.gz", "invalid"), /no '-'/);
  });
});

describe("parseFilename: wheels", () => {
  test("plain wheel", () => {
    const w = ok("requests-2.31.0-py3-none-any.whl");
    assert.deepEqual(w, {
      filename: "requests-2.31.0-py3-none-any.whl",
      kind: "wheel",
      name: "requests",
      project: "requests",
      version: "2.31.0",
      tags: ["py3-none-any"],
      extension: ".whl",
    });
  });

  test("compressed tag sets are expanded and lower-cased", () => {
    const w = ok("six-1.16.0-py2.py3-none-ANY.whl");
    assert.deepEqual(w.tags, ["py2-none-any", "py3-none-any"]);
    const m = ok("numpy-1.26.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl");
    assert.deepEqual(m.tags, ["cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-manylinux2014_x86_64"]);
  });

  test("build tags", () => {
    const w = ok("foo-1.0-1-py3-none-any.whl");
    assert.equal(w.buildTag, "1");
    assert.deepEqual(w.tags, ["py3-none-any"]);
    assert.equal(ok("foo-1.0-2abc-py3-none-any.whl").buildTag, "2abc");
    assert.equal(ok("foo-1.0-py3-none-any.whl").buildTag, undefined);
    assert.match(notOk("foo-1.0-abc-py3-none-any.whl", "invalid"), /build tag "abc"/);
  });

  test("invalid wheels", () => {
    assert.match(notOk("foo-1.0-py3-none.whl", "invalid"), /5 or 6 dash-separated parts.*found 4/);
    assert.match(notOk("foo-bar-1.0-1-py3-none-any.whl", "invalid"), /found 7/);
    assert.match(notOk("foo__bar-1.0-py3-none-any.whl", "invalid"), /invalid project name "foo__bar"/);
    assert.match(notOk("foo+bar-1.0-py3-none-any.whl", "invalid"), /invalid project name/);
    assert.match(notOk("foo-1.0.0-beta-py3-none-any.whl", "invalid"), /build tag "beta"/);
    assert.match(notOk("foo-one-py3-none-any.whl", "invalid"), /invalid PEP 440 version "one"/);
  });

  test("non-ASCII letters are allowed in wheel names, like packaging's \\w", () => {
    assert.equal(ok("Café-1.0-py3-none-any.whl").project, "café");
  });
});

describe("parseFilename: sdist archive forms", () => {
  for (const ext of [".tar.gz", ".zip", ".tgz", ".tar", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma"]) {
    test(ext, () => {
      const s = ok(`My_Pkg-1.0${ext}`);
      assert.equal(s.kind, "sdist");
      assert.equal(s.extension, ext);
      assert.equal(s.project, "my-pkg");
      assert.equal(s.version, "1.0");
    });
  }
});

describe("parseFilename: eggs", () => {
  test("name-version-pyX.Y", () => {
    const e = ok("zope.interface-3.6.1-py2.7.egg");
    assert.equal(e.kind, "egg");
    assert.equal(e.project, "zope-interface");
    assert.equal(e.version, "3.6.1");
    assert.equal(e.extension, ".egg");
  });
  test("with platform, and without python version", () => {
    assert.equal(ok("lxml-2.2.8-py2.6-linux-x86_64.egg").version, "2.2.8");
    assert.equal(ok("My_Project-1.0.egg").project, "my-project");
  });
  test("invalid eggs", () => {
    assert.match(notOk("foo-1.0-garbage.egg", "invalid"), /egg name/);
    assert.match(notOk("foo.egg", "invalid"), /egg name/);
    assert.match(notOk("abl.jquery-1.4.2_2-py2.5.egg", "invalid"), /version "1.4.2_2"/);
  });
});

describe("parseFilename: unsupported", () => {
  test("other installers' formats name the extension", () => {
    assert.match(notOk("foo-1.0.win32.exe", "unsupported"), /"\.exe"/);
    assert.match(notOk("foo-1.0.msi", "unsupported"), /"\.msi"/);
    assert.match(notOk("foo-1.0-1.noarch.rpm", "unsupported"), /"\.rpm"/);
    assert.match(notOk("foo-1.0.tar.Z", "unsupported"), /"\.tar\.Z"/);
    assert.match(notOk("README", "unsupported"), /no file extension/);
  });
  test("extensions are case-sensitive, with a hint", () => {
    assert.match(notOk("foo-1.0.ZIP", "unsupported"), /case-sensitive, expected "\.zip"/);
    assert.match(notOk("foo-1.0-py3-none-any.WHL", "unsupported"), /expected "\.whl"/);
  });
});

describe("unsafe names", () => {
  const unsafe = [
    "",
    ".",
    "..",
    "../x-1.0.tar.gz",
    "a/b-1.0.whl",
    "a\\b-1.0.tar.gz",
    ".hidden-1.0.tar.gz",
    "x-1.0.tar.gz\u0000.whl",
    "x-1.0\n.tar.gz",
    "x-1.0\u007f.tar.gz",
    "x-1.0\u0085.tar.gz",
    "x\ud800-1.0.tar.gz",
  ];
  for (const name of unsafe) {
    test(JSON.stringify(name), () => {
      assert.equal(isSafeFilename(name), false);
      notOk(name, "unsafe");
    });
  }
  test("ordinary names are safe, including non-ASCII and spaces", () => {
    for (const name of ["foo-1.0.tar.gz", "Café-1.0.zip", "nicolas nester-1.0.0.zip", "x\u{1F600}-1.0.zip", "a..b-1.0.zip"]) {
      assert.equal(isSafeFilename(name), true, name);
    }
  });
  test("reasons say what is wrong", () => {
    assert.match(notOk("a/b-1.0.whl", "unsafe"), /path separator/);
    assert.match(notOk(".hidden-1.0.tar.gz", "unsafe"), /starts with '\.'/);
    assert.match(notOk("x-1.0\n.tar.gz", "unsafe"), /control character/);
  });
});
