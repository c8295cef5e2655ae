"""Run zc.buildout's console entry point on Python >= 3.10.

Debian 12 ships zc.buildout 2.13.2, which still imports the abstract base
classes from `collections`; they moved to `collections.abc` in Python 3.10.
Aliasing them back before buildout loads is enough for it to run.
"""
import collections
import collections.abc
import sys

for _name in ("MutableMapping", "Mapping", "Callable", "Sequence",
              "MutableSet", "Iterable"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

if __name__ == "__main__":
    from pkg_resources import load_entry_point
    sys.argv[0] = "buildout"
    sys.exit(load_entry_point("zc.buildout", "console_scripts", "buildout")())
