"""Run zc.buildout's console entry point, whichever zc.buildout the Python holds.

Debian 12 ships zc.buildout 2.13.2, which still imports the abstract base
classes from `collections`; they moved to `collections.abc` in Python 3.10.
Aliasing them back before buildout loads is enough for it to run. zc.buildout
4.x and 5.x import from `collections.abc` already: the aliases change nothing
for them. The entry point is found through importlib.metadata, which every
Python 3.8+ has, rather than pkg_resources, which setuptools is retiring.
"""
import collections
import collections.abc
import sys

for _name in ("MutableMapping", "Mapping", "Callable", "Sequence",
              "MutableSet", "Iterable"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))


def run_buildout():
    """buildout's own `main`, as its console script calls it; returns its exit status."""
    from importlib import metadata
    entry = [ep for ep in metadata.distribution("zc.buildout").entry_points
             if ep.group == "console_scripts" and ep.name == "buildout"]
    if not entry:
        sys.exit("hostout: zc.buildout has no `buildout` console script in %s" % sys.executable)
    return entry[0].load()()


if __name__ == "__main__":
    sys.argv[0] = "buildout"
    sys.exit(run_buildout())
