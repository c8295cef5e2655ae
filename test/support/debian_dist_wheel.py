"""Pack a Python distribution Debian installed (python3-zc.buildout, say) as a wheel.

Usage: debian_dist_wheel.py DEBIAN_PACKAGE DIST_NAME OUT_DIR [REQUIREMENT...]   (prints the wheel's path)

Debian empties requires.txt; the REQUIREMENTs (zc.buildout 2.13's is setuptools>=8.0)
go into the wheel's metadata as its Requires-Dist, as pip would have recorded them.

Tests use it to give a virtualenv a pip-installed zc.buildout, the way a team's
virtualenv holds one, without an index: dpkg's list of the package's files stands in
for the RECORD pip would have kept, and its egg-info becomes the wheel's dist-info.
"""
import base64
import hashlib
import os
import subprocess
import sys
import zipfile

SITE = "/usr/lib/python3/dist-packages/"


def main(package, dist_name, out_dir, *requirements):
    files = subprocess.run(["dpkg", "-L", package], check=True, capture_output=True, text=True).stdout.split("\n")
    egg_info = [f for f in files if f.startswith(SITE) and f.endswith(".egg-info")][0]
    version = os.path.basename(egg_info)[len(dist_name) + 1:-len(".egg-info")]
    payload = [f for f in files if f.startswith(SITE) and os.path.isfile(f) and not f.startswith(egg_info)
               and not f.endswith("-nspkg.pth") and "__pycache__" not in f]
    stem = "%s-%s" % (dist_name.replace("-", "_").replace(".", "_"), version)
    # named as pip names it from such a wheel: older pkg_resources find zc.buildout only so
    dist_info = "%s-%s.dist-info/" % (dist_name, version)
    entries = [(f[len(SITE):], open(f, "rb").read()) for f in payload]
    with open(os.path.join(egg_info, "PKG-INFO")) as f:
        metadata = f.read()
    # requires.txt's plain lines (its [extra] sections are left out) as pip records them
    requires = os.path.join(egg_info, "requires.txt")
    plain = (open(requires).read().split("\n[")[0].split() if os.path.exists(requires) else []) + list(requirements)
    # after the Version header: a v1.1 PKG-INFO's Description runs on over many lines
    name_and_version, _, rest = metadata.partition("\nSummary:")
    name_and_version += "".join("\nRequires-Dist: %s" % r for r in plain)
    entries.append((dist_info + "METADATA", (name_and_version + "\nSummary:" + rest).encode()))
    for name in ("entry_points.txt", "top_level.txt"):
        path = os.path.join(egg_info, name)
        if os.path.exists(path):
            entries.append((dist_info + name, open(path, "rb").read()))
    entries.append((dist_info + "WHEEL", b"Wheel-Version: 1.0\nGenerator: hostout-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
    record = "".join("%s,sha256=%s,%d\n" % (name, base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode(), len(data))
                     for name, data in entries) + dist_info + "RECORD,,\n"
    entries.append((dist_info + "RECORD", record.encode()))
    wheel = os.path.join(out_dir, stem + "-py3-none-any.whl")
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries:
            out.writestr(name, data)
    print(wheel)


if __name__ == "__main__":
    main(*sys.argv[1:])
