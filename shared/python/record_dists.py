"""Run buildout and record every distribution it resolves for recipes and eggs.

This is how Hostout asks buildout which eggs a configuration needs: every
call to zc.buildout's Installer.install (recipes, extensions, the `eggs` of
any recipe built on zc.buildout.easy_install) is wrapped, and the closure of
the requested requirements in the returned working set is written as JSON
lines to the file named by HOSTOUT_RECORD_DISTS.

Config files listed (JSON) in HOSTOUT_NOT_YET_WRITTEN are the pins file the
release is about to write: when the production config extends one that does
not exist yet, it reads as empty instead of stopping buildout.
"""
import json
import os
import sys

import buildout_launcher  # noqa: F401  (patches collections before buildout loads)
import pkg_resources
import zc.buildout.buildout
import zc.buildout.easy_install

_record_path = os.environ["HOSTOUT_RECORD_DISTS"]
_not_yet_written = {os.path.normpath(path) for path in
                    json.loads(os.environ.get("HOSTOUT_NOT_YET_WRITTEN", "[]"))}
_original_install = zc.buildout.easy_install.Installer.install
_original_open = zc.buildout.buildout._open


def _closure(specs, ws):
    """Distributions that `specs` pull in from `ws`, following requirements."""
    found, stack = {}, [pkg_resources.Requirement.parse(s) for s in specs]
    while stack:
        req = stack.pop()
        dist = ws.find(req) if req.key not in found else None
        if dist is None:
            continue
        found[req.key] = dist
        stack.extend(dist.requires(req.extras))
    return found.values()


def _recording_install(self, specs, working_set=None):
    ws = _original_install(self, specs, working_set)
    with open(_record_path, "a") as out:
        for dist in _closure(specs, ws):
            out.write(json.dumps({
                "name": dist.project_name,
                "version": dist.version,
                "location": dist.location,
                "develop": dist.precedence == pkg_resources.DEVELOP_DIST,
                "requestedBy": list(specs),
            }) + "\n")
    return ws


def _open_or_empty(base, filename, *args):
    """buildout's _open, except for a pins file the release has yet to write."""
    if not zc.buildout.buildout._isurl(base) and not zc.buildout.buildout._isurl(filename):
        path = os.path.normpath(os.path.join(base, filename))
        if path in _not_yet_written and not os.path.exists(path):
            return {}
    return _original_open(base, filename, *args)


zc.buildout.easy_install.Installer.install = _recording_install
zc.buildout.buildout._open = _open_or_empty

if __name__ == "__main__":
    sys.argv[0] = "buildout"
    sys.exit(pkg_resources.load_entry_point(
        "zc.buildout", "console_scripts", "buildout")())
