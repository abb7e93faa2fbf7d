#!/usr/bin/env bash
# Rebuild the demo distributions in generator/demo/dists/ from the sources in
# generator/demo/src/ (one folder per project and version).
#
# Every file is built by Python's own tools (`python -m build`, setuptools
# backend). Builds happen in a temporary copy of each source folder, so the
# source tree is never touched. Output is reproducible: wheels honour
# SOURCE_DATE_EPOCH; sdists do not, so repack_sdist.py rewrites their tar and
# gzip headers (times, owners, order) without changing any file content.
#
# Needs a Python with `build` and `setuptools>=77` (no network is used, the
# build runs with --no-isolation). The committed files were made with
# build 1.6.1 and setuptools 80.9.0; other versions give different bytes.
# For example:
#   python3 -m venv /tmp/demo-tools
#   /tmp/demo-tools/bin/pip install build==1.6.1 setuptools==80.9.0
#   PYTHON=/tmp/demo-tools/bin/python generator/demo/make-dists.sh
set -euo pipefail

export SOURCE_DATE_EPOCH=1700000000
export PYTHONDONTWRITEBYTECODE=1
umask 022

PYTHON=${PYTHON:-python3}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$here/src
out=$here/dists

if ! "$PYTHON" -c 'import build, setuptools' 2>/dev/null; then
  echo "error: $PYTHON lacks the 'build' or 'setuptools' module; see the top of $0" >&2
  exit 1
fi
"$PYTHON" - <<'EOF'
import importlib.metadata as md
versions = {p: md.version(p) for p in ("build", "setuptools")}
print("using", ", ".join(f"{p} {v}" for p, v in versions.items()))
if versions != {"build": "1.6.1", "setuptools": "80.9.0"}:
    print("warning: not build 1.6.1 + setuptools 80.9.0; files will differ from the committed ones")
EOF

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Remove anything an earlier in-place build or import may have left behind.
clean_sources() {
  find "$1" \( -name '*.egg-info' -o -name __pycache__ -o -path '*/build' -o -path '*/dist' \) \
    -prune -exec rm -rf {} +
}

# build_dist FOLDER [--sdist | --wheel]
# Without an option this builds the sdist and then the wheel from that sdist.
build_dist() {
  local folder=$1
  shift
  local work=$tmp/$folder
  mkdir -p "$work"
  clean_sources "$src/$folder"
  cp -R "$src/$folder" "$work/src"
  find "$work/src" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  if ! "$PYTHON" -m build --no-isolation --outdir "$work/out" "$@" "$work/src" >"$work/log" 2>&1; then
    cat "$work/log" >&2
    echo "error: building $folder failed" >&2
    exit 1
  fi
  local f
  for f in "$work"/out/*.tar.gz; do
    [[ -e $f ]] && "$PYTHON" "$here/repack_sdist.py" normalize "$f"
  done
  mv "$work"/out/* "$out/"
}

rm -rf "$out"
mkdir -p "$out"

build_dist demo-core-1.0.0
build_dist demo-core-1.1.0
build_dist demo-core-1.2.0
build_dist demo-core-2.0.0
build_dist Demo_App-0.3.0
build_dist demo-sdist-only-0.1.0 --sdist

# demo-zip is published as a legacy .zip sdist only: build the .tar.gz, repack
# it (same top-level folder demo_zip-0.2.0/ with PKG-INFO etc.), drop the tar.
build_dist demo-zip-0.2.0 --sdist
"$PYTHON" "$here/repack_sdist.py" tozip "$out/demo_zip-0.2.0.tar.gz"
rm "$out/demo_zip-0.2.0.tar.gz"

clean_sources "$src"
(cd "$out" && ls -l && sha256sum -- *)
