"""Core helpers for the demo index."""

__version__ = "1.2.0"


def greet(name):
    """Return a greeting for *name*."""
    return "Hello, {}! (demo-core {})".format(name, __version__)
