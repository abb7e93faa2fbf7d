"""Oracle for test/version-order.test.ts: Python's `packaging` on a list of versions.

stdin: one version per line. stdout: one JSON object
{"order": [indices of the input, sorted by Version, stable], "equal_to_next": [bool per sorted
neighbour pair], "normalized": [str(Version) per input], "prerelease": [bool per input]}.
"""

import json
import sys

from packaging.version import Version


def main():
    lines = sys.stdin.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    versions = [Version(v) for v in lines]
    order = sorted(range(len(versions)), key=lambda i: versions[i])
    equal = [versions[a] == versions[b] for a, b in zip(order, order[1:])]
    json.dump(
        {
            "order": order,
            "equal_to_next": equal,
            "normalized": [str(v) for v in versions],
            "prerelease": [v.is_prerelease for v in versions],
        },
        sys.stdout,
    )


main()
