"""A demo project published as a .zip source distribution."""

__version__ = "0.2.0"


def packed():
    """Return the archive format this project was published in."""
    return "zip"
