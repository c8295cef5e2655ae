"""Run buildout and record every distribution it resolves for recipes and eggs.

This is how Hostout asks buildout which eggs a configuration needs: every
call to zc.buildout's Installer.install (recipes, extensions, the `eggs` of
any recipe built on zc.buildout.easy_install) is wrapped, and the closure of
the requested requirements in the returned working set is written as JSON
lines to the file named by HOSTOUT_RECORD_DISTS.

Installer.install(specs, working_set) is the one piece of buildout this
touches. It has kept that shape from 2.13 through 5.x; the adapter below checks
the version and the signature it meets, and stops with both named when either
is one it does not know, instead of failing somewhere inside buildout.

Each record says where the distribution came from: `develop` (a develop
package), `egg` (the eggs directory or find-links: shippable) or `environment`
(the interpreter's own site-packages, where the buildout toolchain lives).
"""
import inspect
import json
import os
import sys
import sysconfig

import buildout_launcher  # noqa: F401  (patches collections before buildout loads)
import pkg_resources
import zc.buildout.easy_install

# The zc.buildout releases whose Installer.install this adapter was checked against.
KNOWN_MAJOR_VERSIONS = (2, 3, 4, 5)
EXPECTED_PARAMETERS = ["self", "specs", "working_set"]


def _buildout_version():
    try:
        return pkg_resources.get_distribution("zc.buildout").version
    except Exception:
        return "unknown"


def _refuse(reason):
    sys.stderr.write("hostout: %s\n" % reason)
    sys.exit(3)


def _check_adapter():
    version = _buildout_version()
    try:
        major = int(version.split(".")[0])
    except ValueError:
        major = None
    if major not in KNOWN_MAJOR_VERSIONS:
        _refuse("zc.buildout %s is a version Hostout does not know (it knows 2.13 to 5.x): "
                "it cannot ask it which eggs production needs. Use a zc.buildout Hostout knows, "
                "or report the version" % version)
    parameters = list(inspect.signature(zc.buildout.easy_install.Installer.install).parameters)
    if parameters != EXPECTED_PARAMETERS:
        _refuse("zc.buildout %s's Installer.install takes (%s), not (%s) as in 2.13 to 5.x: "
                "Hostout cannot record what it resolves" % (version, ", ".join(parameters), ", ".join(EXPECTED_PARAMETERS)))


def _environment_dirs():
    """Where the interpreter itself keeps packages: its site-packages, Debian's dist-packages."""
    paths = sysconfig.get_paths()
    dirs = {paths.get("purelib"), paths.get("platlib")}
    dirs.update(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
    return {os.path.realpath(d) for d in dirs if d}


_record_path = os.environ["HOSTOUT_RECORD_DISTS"]
_environment = _environment_dirs()


def _origin(dist):
    if dist.precedence == pkg_resources.DEVELOP_DIST:
        return "develop"
    if os.path.realpath(dist.location) in _environment:
        return "environment"
    return "egg"


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


_original_install = zc.buildout.easy_install.Installer.install


def _recording_install(self, specs, working_set=None):
    ws = _original_install(self, specs, working_set)
    with open(_record_path, "a") as out:
        for dist in _closure(specs, ws):
            out.write(json.dumps({
                "name": dist.project_name,
                "version": dist.version,
                "location": dist.location,
                "origin": _origin(dist),
                "requestedBy": list(specs),
            }) + "\n")
    return ws


if __name__ == "__main__":
    _check_adapter()
    zc.buildout.easy_install.Installer.install = _recording_install
    sys.argv[0] = "buildout"
    sys.exit(buildout_launcher.run_buildout())
