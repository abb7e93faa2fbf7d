"""Core helpers for the demo index."""

__version__ = "1.1.0"


def greet(name):
    """Return a greeting for *name*."""
    return "Hello, %s!" % name
