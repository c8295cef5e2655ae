"""Print the name and declared version of Python packages, as JSON lines.

Usage: read_metadata.py PACKAGE_DIR...  Each setup.py runs in its own
directory up to the point where setuptools has read its configuration
(setup.cfg and pyproject.toml included), so nothing is built and nothing is
written. A package with only pyproject.toml is read through setuptools when
that is its backend, else from [project] or its backend (pyproject_package.py).
Each line also says what was touched in its package (see Touched) and which
file declares it ("file": setup.py or pyproject.toml).
"""
import json
import os
import sys
import traceback
import warnings
import distutils.core

import setuptools  # noqa: F401  (makes distutils.core.setup build setuptools' Distribution)

import pyproject_package


def run_setup_to_config(path, source=None):
    """distutils' run_setup, but compiled under the file's real name, so that
    a traceback points at the line of setup.py that failed. `source`: the code
    to run in place of the file's (setuptools' `setup()` for a package with only
    pyproject.toml)."""
    distutils.core._setup_stop_after = "config"
    distutils.core._setup_distribution = None
    saved_argv = sys.argv
    sys.argv = [path, "--name"]
    try:
        if source is None:
            with open(path, "rb") as f:
                source = f.read()
        exec(compile(source, path, "exec"), {"__file__": path, "__name__": "__main__"})
    except SystemExit:
        # Exiting after setup() is harmless; exiting before it is the author
        # refusing to go on, and their message is the reason to report.
        if distutils.core._setup_distribution is None:
            raise
    finally:
        sys.argv = saved_argv
        distutils.core._setup_stop_after = None
    if distutils.core._setup_distribution is None:
        raise RuntimeError("setup.py did not call setup()")
    return distutils.core._setup_distribution


def describe(error):
    """What went wrong, to follow the words "setup.py"."""
    if isinstance(error, SystemExit):
        code = error.code
        if code is None or isinstance(code, int):
            return "exited with status %s before calling setup()" % (code or 0)
        return "stopped with its own message: %s" % (code,)
    return "failed: %s: %s" % (type(error).__name__, error)


class Touched:
    """What a setup.py looked at inside its package, seen through audit hooks: the
    files it opened and the directories it listed. The name and version it declares
    depend on nothing else in the package, so ctl can reuse them while those stay the
    same. A setup.py that starts a process (git for setuptools_scm, say) depends on
    what nobody can see: "opaque", never reused."""

    current = None

    def __init__(self, package_dir):
        self.root = os.path.realpath(package_dir)
        self.opened = set()
        self.listed = set()
        self.opaque = False

    def relative(self, path):
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str):
            return None  # a file descriptor: its file was opened, and seen, by name
        full = os.path.realpath(os.path.join(os.getcwd(), path))
        if full == self.root:
            return "."
        if full.startswith(self.root + os.sep):
            return os.path.relpath(full, self.root)
        return None  # outside the package: as much the environment as the interpreter is

    def to_json(self):
        if self.opaque:
            return {"opaque": True}
        # what a build backend wrote and removed again (its metadata folder) is no input
        opened = [p for p in self.opened if os.path.exists(os.path.join(self.root, p))]
        return {"opened": sorted(opened), "listed": sorted(self.listed)}


def audit(event, args):
    touched = Touched.current
    if touched is None:
        return
    if event == "open" and args:
        path = touched.relative(args[0])
        if path is not None and path != ".":
            touched.opened.add(path)
    elif event in ("os.listdir", "os.scandir", "glob.glob"):
        target = args[0] if args else "."
        if event == "glob.glob":
            target = os.path.dirname(os.fsdecode(target)) or "."
        path = touched.relative(target if target is not None else ".")
        if path is not None:
            touched.listed.add(path)
    elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.startfile"):
        touched.opaque = True


sys.addaudithook(audit)


def read(package_dir):
    try:
        script = pyproject_package.setup_script(package_dir)
    except FileNotFoundError:
        return {"dir": package_dir, "file": "setup.py", "error": "is missing: no setup.py and no pyproject.toml in %s" % package_dir}
    except Exception as error:  # a pyproject.toml that is not TOML
        return {"dir": package_dir, "file": "pyproject.toml", "error": describe(error), "line": None}
    declared_in = os.path.basename(script[0]) if script else "pyproject.toml"
    cwd = os.getcwd()
    try:
        os.chdir(package_dir)
        Touched.current = touched = Touched(package_dir)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if script:
                    dist = run_setup_to_config(script[0], script[1])
                    name, version = dist.get_name(), dist.get_version()
                else:
                    name, version = name_and_version_from_backend(package_dir)
        finally:
            Touched.current = None
        return {"dir": package_dir, "file": declared_in, "name": name, "version": version, "touched": touched.to_json()}
    except BaseException as error:  # setup.py may raise anything, even SystemExit
        frames = traceback.extract_tb(error.__traceback__)
        in_setup = [f for f in frames if f.filename.endswith("setup.py")]
        line = in_setup[-1].lineno if in_setup else None
        return {"dir": package_dir, "file": declared_in, "error": describe(error), "line": line}
    finally:
        os.chdir(cwd)


def name_and_version_from_backend(package_dir):
    """[project] name and version when static; else what the build backend says."""
    pyproject = pyproject_package.read_pyproject(package_dir)
    static = pyproject_package.static_name_version(pyproject)
    if static:
        return static
    metadata, _ = pyproject_package.backend_metadata(package_dir, pyproject)
    return metadata["Name"], metadata["Version"]


if __name__ == "__main__":
    # setuptools and build backends talk on stdout; the answer gets its own copy of it
    answer = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    for package_dir in sys.argv[1:]:
        print(json.dumps(read(package_dir)), file=answer, flush=True)
