"""A demo project published as a source distribution only."""

__version__ = "0.1.0"


def answer():
    """Return the answer."""
    return 42
