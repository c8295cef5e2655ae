"""Develop packages that have only a pyproject.toml (PEP 517/621), for Hostout's helpers.

A package with a setup.py is read and built through setuptools as before. One with
only pyproject.toml is one of two kinds:
- its build backend is setuptools: setuptools reads pyproject.toml itself, so the
  helpers run `setup()` with no arguments where they would run setup.py;
- any other backend (hatchling, flit_core, ...): name and version come from
  [project] when both are static, else from the backend's
  prepare_metadata_for_build_wheel; the egg is the backend's wheel, turned into an
  egg (which every zc.buildout from 2.13 to 5.x installs from find-links).

The backend is imported from the interpreter running the helper (no build
isolation: there is no index to fill one from), with backend-path honoured.
"""
import email.parser
import email.policy
import importlib
import os
import re
import shutil
import sys
import tempfile
import zipfile

from deterministic_zip import write_zip

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

# What pip and build assume when pyproject.toml names no backend (PEP 517).
DEFAULT_BACKEND = "setuptools.build_meta:__legacy__"
# Run in place of setup.py for a setuptools package without one: setuptools then
# takes everything from pyproject.toml (and setup.cfg).
SETUPTOOLS_SETUP_TEXT = "from setuptools import setup\nsetup()\n"


def has_setup_py(package_dir):
    return os.path.exists(os.path.join(package_dir, "setup.py"))


def read_pyproject(package_dir):
    path = os.path.join(package_dir, "pyproject.toml")
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return tomllib.load(f)


def backend_name(pyproject):
    return (pyproject.get("build-system") or {}).get("build-backend") or DEFAULT_BACKEND


def uses_setuptools(pyproject):
    return backend_name(pyproject).split(":")[0].split(".")[0] == "setuptools"


def setup_script(package_dir):
    """(path, source) of what runs as setup.py: the package's own (source None: read from
    the file when it runs, so that reading it is seen), or setuptools' `setup()` for a
    pyproject-only setuptools package; None when the backend is not setuptools."""
    if has_setup_py(package_dir):
        return os.path.join(package_dir, "setup.py"), None
    pyproject = read_pyproject(package_dir)
    if pyproject is None:
        raise FileNotFoundError("no setup.py and no pyproject.toml in %s" % package_dir)
    if uses_setuptools(pyproject):
        return os.path.join(package_dir, "pyproject.toml"), SETUPTOOLS_SETUP_TEXT
    return None


def static_name_version(pyproject):
    """[project] name and version when neither is dynamic (PEP 621), else None."""
    project = pyproject.get("project") or {}
    dynamic = set(project.get("dynamic") or [])
    if "name" in project and "version" in project and not {"name", "version"} & dynamic:
        return project["name"], str(project["version"])
    return None


def load_backend(package_dir, pyproject):
    name = backend_name(pyproject)
    paths = [os.path.join(package_dir, p) for p in (pyproject.get("build-system") or {}).get("backend-path", [])]
    sys.path[0:0] = paths
    try:
        module_name, _, attribute = name.partition(":")
        backend = importlib.import_module(module_name)
        for part in filter(None, attribute.split(".")):
            backend = getattr(backend, part)
        return backend
    except ImportError as error:
        raise RuntimeError("its build backend %s cannot be imported by %s (%s): install it there"
                           % (name, sys.executable, error))
    finally:
        for p in paths:
            sys.path.remove(p)


def backend_metadata(package_dir, pyproject):
    """The METADATA the backend gives the package (name, version, requirements, ...)."""
    backend = load_backend(package_dir, pyproject)
    out = tempfile.mkdtemp(prefix="hostout-metadata-")
    cwd = os.getcwd()
    os.chdir(package_dir)
    try:
        prepare = getattr(backend, "prepare_metadata_for_build_wheel", None)
        if prepare is not None:
            dist_info = os.path.join(out, prepare(out))
            with open(os.path.join(dist_info, "METADATA"), "rb") as f:
                metadata_bytes = f.read()
            entry_points = _read_optional(os.path.join(dist_info, "entry_points.txt"))
        else:  # PEP 517 makes the hook optional: the wheel holds the same metadata
            wheel = os.path.join(out, backend.build_wheel(out))
            metadata_bytes, entry_points = _wheel_metadata(wheel)
    finally:
        os.chdir(cwd)
        shutil.rmtree(out, ignore_errors=True)
    return parse_metadata(metadata_bytes), entry_points


def parse_metadata(data):
    return email.parser.BytesParser(policy=email.policy.compat32).parsebytes(data)


def _read_optional(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read()


def _wheel_metadata(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        metadata = [n for n in names if re.match(r"[^/]+\.dist-info/METADATA$", n)][0]
        entry_points = metadata.replace("METADATA", "entry_points.txt")
        return z.read(metadata), (z.read(entry_points).decode() if entry_points in names else None)


def requires_txt(metadata):
    """setuptools' requires.txt from a METADATA's Requires-Dist lines: plain requirements
    first, then one [extra:marker] section per extra and marker, as egg_info writes them."""
    sections = {}
    for requirement in metadata.get_all("Requires-Dist") or []:
        spec, _, marker = requirement.partition(";")
        spec, marker = spec.strip(), marker.strip()
        extra = ""
        match = re.search(r"""extra\s*==\s*['"]([^'"]+)['"]""", marker)
        if match:
            extra = match.group(1)
            marker = re.sub(r"""(\s*and\s*)?extra\s*==\s*['"][^'"]+['"](\s*and\s*)?""", "", marker).strip()
        key = extra + (":" + marker if marker else "")
        sections.setdefault(key, []).append(spec)
    lines = sections.pop("", [])
    text = "".join(line + "\n" for line in lines)
    for key in sorted(sections):
        text += "\n[%s]\n" % key + "".join(line + "\n" for line in sections[key])
    return text


def write_egg_info(egg_info_dir, metadata, entry_points, top_level, version=None):
    """An egg-info (or an egg's EGG-INFO) from a wheel's metadata, with `version` put in."""
    os.makedirs(egg_info_dir, exist_ok=True)
    if version is not None:
        del metadata["Version"]
        metadata["Version"] = version
    files = {
        "PKG-INFO": metadata.as_string(),
        "requires.txt": requires_txt(metadata),
        "top_level.txt": "".join(name + "\n" for name in sorted(top_level)),
        "entry_points.txt": entry_points,
        "dependency_links.txt": "\n",
    }
    for name, text in files.items():
        if text is not None:
            with open(os.path.join(egg_info_dir, name), "w") as f:
                f.write(text)


def top_level_names(paths):
    """The importable names at the top of a wheel or a source folder's package roots."""
    names = set()
    for path in paths:
        first = path.split("/", 1)[0]
        if first.endswith((".dist-info", ".data")):
            continue
        if "/" in path or first.endswith(".py"):
            names.add(first[:-3] if first.endswith(".py") and "/" not in path else first)
    return names


def wheel_to_egg(wheel, out_dir, version):
    """A zipped egg holding the wheel's files, with EGG-INFO made from its metadata and
    `version` as its version (the wheel carries the version the package declares).
    Marked not zip-safe: buildout unpacks it, as pip would have installed the wheel."""
    with zipfile.ZipFile(wheel) as z:
        names = [n for n in z.namelist() if not n.endswith("/")]
        dist_info = [n for n in names if re.match(r"[^/]+\.dist-info/METADATA$", n)][0].split("/")[0]
        if any(n.split("/")[0].endswith(".data") for n in names):
            raise RuntimeError("its wheel has a .data folder (scripts or headers), which an egg cannot hold")
        metadata = parse_metadata(z.read(dist_info + "/METADATA"))
        entry_points = z.read(dist_info + "/entry_points.txt").decode() if dist_info + "/entry_points.txt" in names else None
        payload = [(n, z.read(n)) for n in names if not n.startswith(dist_info + "/")]
    name = re.sub(r"[^A-Za-z0-9.]+", "_", metadata["Name"])
    egg_name = "%s-%s-py%d.%d.egg" % (name, version, sys.version_info[0], sys.version_info[1])
    staging = tempfile.mkdtemp(prefix="hostout-egg-")
    try:
        write_egg_info(os.path.join(staging, "EGG-INFO"), metadata, entry_points, top_level_names(n for n, _ in payload), version)
        with open(os.path.join(staging, "EGG-INFO", "not-zip-safe"), "w") as f:
            f.write("\n")
        entries = list(payload)
        for file_name in sorted(os.listdir(os.path.join(staging, "EGG-INFO"))):
            with open(os.path.join(staging, "EGG-INFO", file_name), "rb") as f:
                entries.append(("EGG-INFO/" + file_name, f.read()))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    write_zip(os.path.join(out_dir, egg_name), entries)
    return egg_name


def build_wheel(package_dir, pyproject, out_dir):
    backend = load_backend(package_dir, pyproject)
    cwd = os.getcwd()
    os.chdir(package_dir)
    try:
        return os.path.join(out_dir, backend.build_wheel(out_dir))
    finally:
        os.chdir(cwd)
