"""Build a zipped egg of the package in the current directory at a given version.

Usage: build_egg.py --wait, then one JSON line on stdin:
       {"version": ..., "out_dir": ..., "cwd": ...}   (cwd: a copy of the package)
The version is injected into setuptools rather than written into setup.py,
so the package's own files are built exactly as they were hashed.

A package with only pyproject.toml builds the same way when its backend is
setuptools (`setup()` with no arguments reads pyproject.toml); with another
backend its PEP 517 wheel is built and turned into an egg at the version
(pyproject_package.py).

setuptools is imported first, which takes Debian's Python a quarter of a
second, and only then is the request read: ctl starts a builder while it is
still reading the packages' metadata (controller/release/egg-builders.ts).
Closing stdin without a line means the build is not needed after all.
"""
import json
import os
import sys
import warnings
import zipfile

import setuptools
import setuptools.dist

import pyproject_package
from deterministic_zip import write_zip

if sys.argv[1:] != ["--wait"]:
    sys.exit("usage: build_egg.py --wait (then the request as one JSON line on stdin)")
request = sys.stdin.readline()
if not request.strip():
    sys.exit(0)
request = json.loads(request)
version, out_dir = request["version"], request["out_dir"]
os.chdir(request["cwd"])
_original_setup = setuptools.setup
_original_parse = setuptools.dist.Distribution.parse_config_files


def setup_with_version(**attrs):
    attrs["version"] = version
    return _original_setup(**attrs)


def parse_config_files_with_version(self, *args, **kwargs):
    result = _original_parse(self, *args, **kwargs)
    self.metadata.version = version
    return result


setuptools.setup = setup_with_version
setuptools.dist.Distribution.parse_config_files = parse_config_files_with_version
warnings.simplefilter("ignore")


def rezip_deterministically(egg):
    """Same files, same bytes: sorted entries, fixed timestamps and modes."""
    with zipfile.ZipFile(egg) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist() if not info.is_dir()]
    write_zip(egg, entries)


def build_with_setuptools(setup_path, source):
    """bdist_egg in the current directory; returns the egg's path."""
    # Relative on purpose: SOURCES.txt records these paths, and the same egg must
    # come out wherever the scratch copy lives.
    build_dir = "build-hostout"
    sys.argv = ["setup.py", "-q", "egg_info", "--egg-base", build_dir,
                "bdist_egg", "--dist-dir", build_dir, "--bdist-dir", os.path.join(build_dir, "bdist")]
    os.makedirs(build_dir, exist_ok=True)
    sys.path.insert(0, os.getcwd())
    if source is None:
        with open(setup_path) as f:
            source = f.read()
    exec(compile(source, os.path.abspath(setup_path), "exec"), {"__name__": "__main__", "__file__": os.path.abspath(setup_path)})
    eggs = [name for name in os.listdir(build_dir) if name.endswith(".egg")]
    if len(eggs) != 1:
        sys.exit("expected one egg from bdist_egg, found %r" % eggs)
    rezip_deterministically(os.path.join(build_dir, eggs[0]))
    return os.path.join(build_dir, eggs[0])


def build_with_backend():
    """The backend's wheel, as an egg at the requested version; returns the egg's path."""
    build_dir = os.path.abspath("build-hostout")
    os.makedirs(build_dir, exist_ok=True)
    wheel = pyproject_package.build_wheel(os.getcwd(), pyproject_package.read_pyproject(os.getcwd()), build_dir)
    return os.path.join(build_dir, pyproject_package.wheel_to_egg(wheel, build_dir, version))


script = pyproject_package.setup_script(os.getcwd())
egg = build_with_setuptools(*script) if script else build_with_backend()
os.makedirs(out_dir, exist_ok=True)
os.replace(egg, os.path.join(out_dir, os.path.basename(egg)))
print(os.path.basename(egg))
