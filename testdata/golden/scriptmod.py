"""scriptmod is the module script.py imports from its own directory: the
first run compiles it into __pycache__/scriptmod.cpython-*.pyc, whose
header holds this file's modification time (the golden tests give their
fixture files a fixed one)."""


def shout(data):
    """Returns data (bytes) upper-cased."""
    return data.upper()
