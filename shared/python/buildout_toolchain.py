"""The buildout toolchain of an interpreter: what buildout itself runs on.

Usage: buildout_toolchain.py describe
         one JSON object: the Python (version, ABI tag), zc.buildout's version, and
         each toolchain distribution (zc.buildout, what it requires, zc.recipe.egg)
         with its version and whether it can be packed as a wheel (it was installed
         by pip, with a RECORD of its files).
       buildout_toolchain.py pack OUT_DIR NAME...
         packs each named installed distribution into a wheel in OUT_DIR, from its
         RECORD, deterministically (same files, same bytes); prints one file name a line.

Only the standard library is used: the interpreter may hold any setuptools, or none
that imports cleanly.
"""
import base64
import csv
import hashlib
import io
import json
import os
import re
import sys
import sysconfig
from importlib import metadata

from deterministic_zip import write_zip

TOOLCHAIN_ROOT = "zc.buildout"
# Recipes buildout itself needs to install eggs; part of the toolchain when the
# interpreter holds them (Plone's virtualenvs do), else eggs like any other.
TOOLCHAIN_EXTRAS = ("zc.recipe.egg",)


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def abi_tag():
    soabi = sysconfig.get_config_var("SOABI")
    if soabi and soabi.startswith("cpython-"):
        return "cp" + soabi.split("-")[1]
    if soabi:
        return soabi.replace(".", "_").replace("-", "_")
    return "cp" + (sysconfig.get_config_var("py_version_nodot") or "%d%d" % sys.version_info[:2])


def find(name):
    try:
        return metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None


def requirement_names(dist):
    """The names a distribution requires unconditionally (no extras, markers true here)."""
    names = []
    for req in dist.requires or []:
        spec, _, marker = req.partition(";")
        if "extra" in marker:
            continue
        if marker.strip() and not marker_holds(marker.strip()):
            continue
        names.append(re.split(r"[\s<>=!~\[(]", spec.strip(), maxsplit=1)[0])
    return names


def marker_holds(marker):
    """Environment markers of the kind toolchain packages use (python_version, sys_platform)."""
    env = {"python_version": "%d.%d" % sys.version_info[:2], "sys_platform": sys.platform,
           "platform_system": __import__("platform").system(), "os_name": os.name,
           "implementation_name": sys.implementation.name}
    expression = re.sub(r"\b(python_version|sys_platform|platform_system|os_name|implementation_name)\b",
                        lambda m: repr(env[m.group(1)]), marker)
    try:
        return bool(eval(expression, {"__builtins__": {}}))  # only literals and comparisons remain
    except Exception:
        return True


def toolchain():
    root = find(TOOLCHAIN_ROOT)
    if root is None:
        return []
    found, stack = {}, [TOOLCHAIN_ROOT] + [n for n in TOOLCHAIN_EXTRAS if find(n)]
    while stack:
        name = stack.pop()
        if canonical(name) in found:
            continue
        dist = find(name)
        if dist is None:
            continue
        found[canonical(name)] = dist
        stack.extend(requirement_names(dist))
    return sorted(found.values(), key=lambda d: canonical(d.metadata["Name"]))


def describe():
    dists = toolchain()
    buildout = find(TOOLCHAIN_ROOT)
    print(json.dumps({
        "python": "%d.%d.%d" % sys.version_info[:3],
        "pythonMinor": "%d.%d" % sys.version_info[:2],
        "abiTag": abi_tag(),
        "executable": sys.executable,
        "virtualenv": sys.prefix != sys.base_prefix,
        "buildout": buildout.version if buildout else None,
        "dists": [{
            "name": d.metadata["Name"],
            "version": d.version,
            "location": str(d.locate_file("")),
            "packable": d.read_text("RECORD") is not None,
        } for d in dists],
    }))


def wheel_tag(dist):
    wheel = dist.read_text("WHEEL") or ""
    tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
    return tags[0] if tags else "py3-none-any"


def record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


# Files pip writes at install time, not part of the wheel.
INSTALL_ONLY = ("INSTALLER", "REQUESTED", "direct_url.json", "RECORD")


def pack(out_dir, name):
    dist = find(name)
    if dist is None:
        sys.exit("hostout: %s is not installed in %s" % (name, sys.executable))
    record = dist.read_text("RECORD")
    if record is None:
        sys.exit("hostout: %s %s in %s was not installed by pip (no RECORD): it cannot be packed as a wheel"
                 % (name, dist.version, dist.locate_file("")))
    base = str(dist.locate_file(""))
    entries = []
    for row in csv.reader(io.StringIO(record)):
        path = row[0] if row else ""
        if not path or path.startswith("..") or os.path.isabs(path) or "__pycache__" in path:
            continue  # console scripts outside site-packages: pip writes them anew from entry_points.txt
        if ".dist-info/" in path and path.rsplit("/", 1)[1] in INSTALL_ONLY:
            continue
        with open(os.path.join(base, path), "rb") as f:
            entries.append((path, f.read()))
    # named as installed: setuptools before 69 finds zc.buildout only under zc.buildout-*.dist-info
    dist_info = [p for p, _ in entries if p.endswith(".dist-info/METADATA")][0].rsplit("/", 1)[0]
    entries.sort()
    lines = ["%s,%s,%d" % (p, record_hash(data), len(data)) for p, data in entries]
    lines.append("%s/RECORD,," % dist_info)
    entries.append((dist_info + "/RECORD", ("\n".join(lines) + "\n").encode()))
    filename = "%s-%s-%s.whl" % (re.sub(r"[-.]+", "_", dist.metadata["Name"]), dist.version, wheel_tag(dist))
    write_zip(os.path.join(out_dir, filename), entries)
    return filename


if __name__ == "__main__":
    if sys.argv[1:2] == ["describe"]:
        describe()
    elif sys.argv[1:2] == ["pack"] and len(sys.argv) > 3:
        os.makedirs(sys.argv[2], exist_ok=True)
        for name in sys.argv[3:]:
            print(pack(sys.argv[2], name))
    else:
        sys.exit(__doc__)
