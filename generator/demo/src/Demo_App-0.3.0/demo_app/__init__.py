"""A demo application that uses demo-core."""

import sys

import demo_core

__version__ = "0.3.0"


def main(argv=None):
    """Entry point of the ``demo-app`` command."""
    args = sys.argv[1:] if argv is None else argv
    name = args[0] if args else "world"
    print(demo_core.greet(name))
    return 0
