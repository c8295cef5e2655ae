"""Zip files so that the same files always give the same bytes: sorted entries, a fixed
timestamp and mode, the same compression. Eggs, and the wheels of a shipped toolchain, are
stored and compared by sha256, so two builds of the same content must not differ."""
import os
import zipfile


def write_zip(path, entries):
    """`entries`: (name in the archive, bytes). Written under a temporary name, then renamed."""
    temp = path + ".tmp"
    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data, compresslevel=9)
    os.replace(temp, path)
