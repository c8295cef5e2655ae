"""The buildout recipe: `recipe = collective.recipe.hostout` installs bin/<part>.

The part's options are the deployment target's (host, path, start, ...). ctl
reads them from the buildout config itself, so the recipe only writes the
script that runs ctl for this part and this config.
"""
import os
import sys

import zc.buildout

from .buildout_command_line import running_config_file
from .ctl_command import CtlNotFound, find_ctl_command
from .deploy_script import deploy_script


class Recipe(object):

    def __init__(self, buildout, name, options):
        self.name = name
        # Every option is ctl's to read; reading them here also tells buildout
        # they are used, so it prints no "Unused options" warning.
        for key in list(options):
            options.get(key)
        directory = buildout["buildout"]["directory"]
        self.script_path = os.path.join(buildout["buildout"]["bin-directory"], name)
        self.config_file = running_config_file(sys.argv[1:], os.getcwd(), directory)
        if self.config_file is None:
            raise zc.buildout.UserError(
                "[%s]: cannot tell which config file this buildout runs; "
                "run bin/buildout from %s, or with -c FILE" % (name, directory))
        try:
            self.ctl_argv = find_ctl_command(directory, os.environ.get("PATH"))
        except CtlNotFound as error:
            raise zc.buildout.UserError(
                "[%s] (collective.recipe.hostout): %s. Run `ctl init` in %s, "
                "or put ctl on PATH (`npm link` in Hostout's checkout)" % (name, error, directory))

    def install(self):
        text = deploy_script(self.name, self.config_file, self.ctl_argv)
        os.makedirs(os.path.dirname(self.script_path), exist_ok=True)
        # a temp name and a rename: a running bin/<part> never sees a torn file
        temp = self.script_path + ".tmp"
        with open(temp, "w") as f:
            f.write(text)
        os.chmod(temp, 0o755)
        os.replace(temp, self.script_path)
        return [self.script_path]

    # The script depends on more than the options (which ctl, which config),
    # so an update writes it again.
    update = install
