"""Make setuptools sdists reproducible, and convert one to a .zip sdist.

setuptools writes sdists with the current time (and the builder's user) in
every tar header and in the gzip header, and it ignores SOURCE_DATE_EPOCH
for them. This helper rewrites such an archive without changing any file
content: members are sorted by name, every timestamp becomes
SOURCE_DATE_EPOCH, owners become 0/0 with empty names, and modes become
0755 (directories and executables) or 0644.

Usage:
    python3 repack_sdist.py normalize DIST.tar.gz   # rewrite in place
    python3 repack_sdist.py tozip DIST.tar.gz       # write DIST.zip next to it
"""

import gzip
import io
import os
import stat
import sys
import tarfile
import time
import zipfile

EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "1700000000"))


def read_members(path):
    """Return [(TarInfo, bytes or None)] sorted by name; only dirs and files."""
    members = []
    with tarfile.open(path, "r:gz") as tf:
        for info in tf.getmembers():
            if info.isdir():
                members.append((info, None))
            elif info.isfile():
                members.append((info, tf.extractfile(info).read()))
            else:
                sys.exit(f"{path}: unexpected member type: {info.name}")
    members.sort(key=lambda m: m[0].name)
    return members


def clean_mode(info):
    return 0o755 if info.isdir() or info.mode & 0o111 else 0o644


def normalize(path):
    members = read_members(path)
    buf = io.BytesIO()
    # filename="" keeps the name out of the gzip header; mtime fixes its date.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=EPOCH) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as out:
            for info, data in members:
                new = tarfile.TarInfo(info.name)
                new.type = info.type
                new.mode = clean_mode(info)
                new.mtime = EPOCH
                new.uid = new.gid = 0
                new.uname = new.gname = ""
                if data is None:
                    out.addfile(new)
                else:
                    new.size = len(data)
                    out.addfile(new, io.BytesIO(data))
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def tozip(path):
    if not path.endswith(".tar.gz"):
        sys.exit(f"{path}: expected a .tar.gz sdist")
    dest = path[: -len(".tar.gz")] + ".zip"
    date_time = time.gmtime(EPOCH)[:6]
    with zipfile.ZipFile(dest, "w") as zf:
        for info, data in read_members(path):
            if data is None:
                zi = zipfile.ZipInfo(info.name.rstrip("/") + "/", date_time)
                zi.external_attr = ((stat.S_IFDIR | clean_mode(info)) << 16) | 0x10
                zi.compress_type = zipfile.ZIP_STORED
                data = b""
            else:
                zi = zipfile.ZipInfo(info.name, date_time)
                zi.external_attr = (stat.S_IFREG | clean_mode(info)) << 16
                zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3  # Unix, so the modes above are honoured
            zf.writestr(zi, data)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("normalize", "tozip"):
        sys.exit(__doc__)
    {"normalize": normalize, "tozip": tozip}[argv[1]](argv[2])


if __name__ == "__main__":
    main(sys.argv)
