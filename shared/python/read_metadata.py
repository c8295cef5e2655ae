"""Print the name and declared version of Python packages, as JSON lines.

Usage: read_metadata.py PACKAGE_DIR...  Each setup.py runs in its own
directory up to the point where setuptools has read its configuration
(setup.cfg included), so nothing is built and nothing is written.
"""
import json
import os
import sys
import traceback
import warnings
import distutils.core

import setuptools  # noqa: F401  (makes distutils.core.setup build setuptools' Distribution)


def run_setup_to_config(path):
    """distutils' run_setup, but compiled under the file's real name, so that
    a traceback points at the line of setup.py that failed."""
    distutils.core._setup_stop_after = "config"
    distutils.core._setup_distribution = None
    saved_argv = sys.argv
    sys.argv = [path, "--name"]
    try:
        with open(path, "rb") as f:
            exec(compile(f.read(), path, "exec"), {"__file__": path, "__name__": "__main__"})
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


def read(package_dir):
    setup_py = os.path.join(package_dir, "setup.py")
    if not os.path.exists(setup_py):
        return {"dir": package_dir, "error": "is missing: no setup.py in %s" % package_dir}
    cwd = os.getcwd()
    try:
        os.chdir(package_dir)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dist = run_setup_to_config(os.path.abspath("setup.py"))
        return {"dir": package_dir, "name": dist.get_name(), "version": dist.get_version()}
    except BaseException as error:  # setup.py may raise anything, even SystemExit
        frames = traceback.extract_tb(error.__traceback__)
        in_setup = [f for f in frames if f.filename.endswith("setup.py")]
        line = in_setup[-1].lineno if in_setup else None
        return {"dir": package_dir, "error": describe(error), "line": line}
    finally:
        os.chdir(cwd)


if __name__ == "__main__":
    for package_dir in sys.argv[1:]:
        print(json.dumps(read(package_dir)), flush=True)
