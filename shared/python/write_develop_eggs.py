"""Do for many develop packages, in one process, what `setup.py develop` does for buildout.

Usage: write_develop_eggs.py DEVELOP_EGGS_DIR PACKAGE_DIR...

buildout finds a develop egg through `DEVELOP_EGGS_DIR/<name>.egg-link`, which names the
directory holding `<name>.egg-info`. Running `setup.py develop` for each package costs a
Python start and a setuptools import apiece (half a second; seconds for fifty packages).
Here each setup.py runs only up to its configuration (as read_metadata.py does) and the
egg-info is written by setuptools' own egg_info writers, so its files hold what `develop`
would write (SOURCES.txt aside, which resolution never reads). Packages with C extensions,
or whose setup.py does anything unexpected, are left to buildout's own develop: one JSON
line per package says `written` or why not.

A package with only pyproject.toml is developed the same way through setuptools when that
is its backend; with another backend (hatchling, flit_core) its egg-info is made from the
backend's metadata (pyproject_package.py), beside its code (in src/ for a src layout):
buildout 2.13 and 4.x cannot develop such a package at all, and 5.x only through pip.
"""
import json
import os
import re
import sys
import warnings
from importlib import metadata

import pyproject_package
from read_metadata import run_setup_to_config


def write_develop_egg(package_dir, develop_eggs_dir, writers):
    os.chdir(package_dir)
    script = pyproject_package.setup_script(package_dir)
    if script is None:
        return write_backend_egg_info(package_dir, develop_eggs_dir)
    dist = run_setup_to_config(*script)
    # what setuptools does before any command: finds packages (src layout) unless configured
    dist.set_defaults()
    if dist.has_ext_modules():
        return "it builds C extensions"
    egg_info = dist.get_command_obj("egg_info")
    egg_info.ensure_finalized()
    if getattr(egg_info, "broken_egg_info", False):  # gone from setuptools 81
        return "it has a broken egg-info directory"
    egg_info.mkpath(egg_info.egg_info)
    for name, writer in writers:
        writer(egg_info, name, os.path.join(egg_info.egg_info, name))
    # the egg-link as `develop` writes it: where the egg-info lies, then the way back to setup.py
    egg_base = egg_info.egg_base.replace(os.sep, "/").rstrip("/")
    back_to_setup = os.curdir if egg_base == os.curdir else "../" * (egg_base.count("/") + 1)
    link = os.path.join(develop_eggs_dir, egg_info.egg_name + ".egg-link")
    with open(link + ".tmp", "w") as out:
        out.write(os.path.abspath(egg_info.egg_base) + "\n" + back_to_setup)
    os.replace(link + ".tmp", link)
    return None


def is_importable(folder, entry):
    """A module or package at the top of a code root (not setup.py, not an egg-info)."""
    if entry.startswith(".") or entry == "setup.py":
        return False
    if entry.endswith(".py"):
        return entry[:-3].isidentifier()
    return entry.isidentifier() and os.path.isdir(os.path.join(folder, entry))


def write_backend_egg_info(package_dir, develop_eggs_dir):
    """egg-info and egg-link of a package whose backend is not setuptools."""
    pyproject = pyproject_package.read_pyproject(package_dir)
    metadata, entry_points = pyproject_package.backend_metadata(package_dir, pyproject)
    code_root = os.path.join(package_dir, "src") if os.path.isdir(os.path.join(package_dir, "src")) else package_dir
    top_level = [entry[:-3] if entry.endswith(".py") else entry for entry in os.listdir(code_root) if is_importable(code_root, entry)]
    egg_name = re.sub(r"[^A-Za-z0-9.]+", "_", metadata["Name"])
    pyproject_package.write_egg_info(os.path.join(code_root, egg_name + ".egg-info"), metadata, entry_points, top_level)
    link = os.path.join(develop_eggs_dir, metadata["Name"] + ".egg-link")
    back_to_package = os.curdir if code_root == package_dir else ".."
    with open(link + ".tmp", "w") as out:
        out.write(os.path.abspath(code_root) + "\n" + back_to_package)
    os.replace(link + ".tmp", link)
    return None


def main(develop_eggs_dir, package_dirs):
    # setuptools talks on stdout; the answer gets its own copy of it, the talk goes to stderr
    answer = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    develop_eggs_dir = os.path.abspath(develop_eggs_dir)
    writers = [(ep.name, ep.load()) for ep in metadata.entry_points(group="egg_info.writers")]
    start = os.getcwd()
    for package_dir in package_dirs:
        saved_path, saved_modules = list(sys.path), set(sys.modules)
        sys.path.insert(0, package_dir)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                not_written = write_develop_egg(package_dir, develop_eggs_dir, writers)
        except BaseException as error:  # setup.py may raise anything, even SystemExit
            not_written = "%s: %s" % (type(error).__name__, error)
        finally:
            os.chdir(start)
            sys.path[:] = saved_path
            # a setup.py that imports its own package must not see the previous one's
            for name in set(sys.modules) - saved_modules:
                del sys.modules[name]
        line = {"dir": package_dir, "written": not_written is None}
        if not_written is not None:
            line["reason"] = not_written
        sys.stdout.flush()
        print(json.dumps(line), file=answer, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
