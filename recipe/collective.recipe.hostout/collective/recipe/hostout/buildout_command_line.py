"""Which config file the running buildout was started with.

zc.buildout 2.13 keeps no record of it (only its directory), yet `bin/<part>`
must hand ctl the same config, so the command line is read the way
zc.buildout.buildout.main reads it: single-letter flags that may be grouped
(`-Nv`), then `-c FILE` or `-cFILE`; `-t` takes a value; the first argument
that is neither an option nor an assignment starts the command.
"""
import os

# The flags zc.buildout's main() accepts before a `c` or `t` in one group.
_FLAGS = "vqhWUoOnNDA"
_DEFAULT_CONFIG = "buildout.cfg"


def config_file_from_argv(args):
    """The config file named on buildout's command line (default buildout.cfg), as given."""
    args = list(args)
    config_file = _DEFAULT_CONFIG
    while args:
        arg = args.pop(0)
        if arg.startswith("-"):
            letters = arg[1:].lstrip(_FLAGS)
            if letters[:1] == "c":
                config_file = letters[1:] or (args.pop(0) if args else config_file)
            elif letters[:1] == "t" and args:
                args.pop(0)
        elif "=" not in arg:
            break
    return config_file


def running_config_file(argv, cwd, directory):
    """The absolute path of the config this buildout runs, or None when it cannot be told.

    None when the command line names no existing file (buildout was started
    some other way than its console script) or a URL.
    """
    named = config_file_from_argv(argv)
    if "://" in named:
        return None
    path = os.path.abspath(os.path.join(cwd, named))
    if os.path.isfile(path):
        return path
    fallback = os.path.join(directory, _DEFAULT_CONFIG)
    return fallback if os.path.isfile(fallback) else None
