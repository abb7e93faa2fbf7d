"""Core helpers for the demo index."""

__version__ = "2.0.0"


def greet(name):
    """Return a greeting for *name*."""
    return f"Hello, {name}! (demo-core {__version__})"
