"""Which ctl `bin/<part>` runs, decided when the part is installed.

`ctl init` records the command that runs it (absolute paths of node and of
ctl) in `.hostout/ctl-command.json` of the buildout directory: bin/<part> runs
the ctl that set the buildout up. Without that record, the `ctl` found on PATH
while bin/buildout runs is used, by its absolute path.
"""
import json
import os
import shutil

RECORD = os.path.join(".hostout", "ctl-command.json")


class CtlNotFound(Exception):
    """Neither `ctl init` nor PATH says where ctl is."""


def find_ctl_command(buildout_directory, path_env):
    """The argv prefix that runs ctl, as a list of absolute paths."""
    record = os.path.join(buildout_directory, RECORD)
    if os.path.exists(record):
        with open(record) as f:
            argv = json.load(f).get("argv")
        if not argv or not all(isinstance(a, str) and os.path.isabs(a) for a in argv):
            raise CtlNotFound("%s does not hold a list of absolute paths under \"argv\"; run `ctl init` again" % record)
        missing = [a for a in argv if not os.path.exists(a)]
        if missing:
            raise CtlNotFound("%s names %s, which no longer exists; run `ctl init` again with the ctl you use now"
                              % (record, missing[0]))
        return argv
    on_path = shutil.which("ctl", path=path_env)
    if on_path:
        return [os.path.abspath(on_path)]
    raise CtlNotFound("no ctl to run: %s is missing (`ctl init` writes it) and no ctl is on PATH" % record)
