"""Oracle for test/filename-oracle.test.ts: parse distribution file names with
Python's `packaging` and print one JSON object per input line.

stdin: file names, one per line (UTF-8). stdout: JSON lines
{"filename", "ok", "name", "version", "kind"} where kind is "wheel" or "sdist"
for the forms packaging itself parses (.whl, .tar.gz, .zip) and null otherwise;
name is canonicalize_name(...) and version str(Version) when ok, else null.
"""

import json
import sys

from packaging.utils import parse_sdist_filename, parse_wheel_filename


def parse(filename):
    if filename.endswith(".whl"):
        kind, parser = "wheel", parse_wheel_filename
    elif filename.endswith(".tar.gz") or filename.endswith(".zip"):
        kind, parser = "sdist", parse_sdist_filename
    else:
        return {"filename": filename, "ok": False, "name": None, "version": None, "kind": None}
    try:
        parsed = parser(filename)
    # Not only InvalidWheelFilename/InvalidSdistFilename: int() can raise a
    # plain ValueError on absurdly long digit runs; any exception means "no".
    except Exception:
        return {"filename": filename, "ok": False, "name": None, "version": None, "kind": kind}
    return {"filename": filename, "ok": True, "name": parsed[0], "version": str(parsed[1]), "kind": kind}


def main():
    data = sys.stdin.buffer.read().decode("utf-8")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = sys.stdout
    for line in lines:
        out.write(json.dumps(parse(line)))
        out.write("\n")


if __name__ == "__main__":
    main()
