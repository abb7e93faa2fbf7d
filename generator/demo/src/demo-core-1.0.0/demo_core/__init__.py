"""Core helpers for the demo index."""

__version__ = "1.0.0"


def greet(name):
    """Return a greeting for *name*."""
    return "Hello, " + name + "!"
