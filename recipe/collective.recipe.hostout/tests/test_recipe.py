"""Unit tests of the recipe's Python side: `python3 -m unittest discover -s tests` here."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from collective.recipe.hostout.buildout_command_line import config_file_from_argv, running_config_file  # noqa: E402
from collective.recipe.hostout.ctl_command import CtlNotFound, find_ctl_command  # noqa: E402
from collective.recipe.hostout.deploy_script import deploy_script  # noqa: E402
from collective.recipe.hostout.recipe import Recipe  # noqa: E402
import zc.buildout  # noqa: E402


class ConfigFileFromArgv(unittest.TestCase):

    def test_default_is_buildout_cfg(self):
        self.assertEqual(config_file_from_argv([]), "buildout.cfg")
        self.assertEqual(config_file_from_argv(["-N", "install", "-c", "x.cfg"]), "buildout.cfg")

    def test_c_with_separate_or_attached_value(self):
        self.assertEqual(config_file_from_argv(["-c", "dev.cfg"]), "dev.cfg")
        self.assertEqual(config_file_from_argv(["-cdev.cfg"]), "dev.cfg")

    def test_grouped_flags_before_c(self):
        self.assertEqual(config_file_from_argv(["-Nvc", "dev.cfg"]), "dev.cfg")

    def test_assignments_and_timeout_are_skipped(self):
        self.assertEqual(config_file_from_argv(["buildout:newest=false", "-t", "5", "-c", "a.cfg", "install"]), "a.cfg")


class RunningConfigFile(unittest.TestCase):

    def test_relative_to_cwd_then_buildout_cfg_of_the_directory(self):
        with tempfile.TemporaryDirectory() as d:
            open(os.path.join(d, "buildout.cfg"), "w").close()
            open(os.path.join(d, "dev.cfg"), "w").close()
            self.assertEqual(running_config_file(["-c", "dev.cfg"], d, d), os.path.join(d, "dev.cfg"))
            self.assertEqual(running_config_file(["-c", "gone.cfg"], d, d), os.path.join(d, "buildout.cfg"))
            os.remove(os.path.join(d, "buildout.cfg"))
            self.assertIsNone(running_config_file([], d, d))


class FindCtlCommand(unittest.TestCase):

    def test_the_record_of_ctl_init_wins_over_path(self):
        with tempfile.TemporaryDirectory() as d:
            os.mkdir(os.path.join(d, ".hostout"))
            with open(os.path.join(d, ".hostout", "ctl-command.json"), "w") as f:
                json.dump({"argv": [sys.executable, __file__]}, f)
            self.assertEqual(find_ctl_command(d, "/usr/bin:/bin"), [sys.executable, __file__])

    def test_a_record_naming_a_missing_file_is_an_error_naming_it(self):
        with tempfile.TemporaryDirectory() as d:
            os.mkdir(os.path.join(d, ".hostout"))
            with open(os.path.join(d, ".hostout", "ctl-command.json"), "w") as f:
                json.dump({"argv": ["/nonexistent/node", __file__]}, f)
            with self.assertRaisesRegex(CtlNotFound, "/nonexistent/node"):
                find_ctl_command(d, "")

    def test_ctl_on_path_when_there_is_no_record(self):
        with tempfile.TemporaryDirectory() as d:
            ctl = os.path.join(d, "ctl")
            with open(ctl, "w") as f:
                f.write("#!/bin/sh\n")
            os.chmod(ctl, 0o755)
            self.assertEqual(find_ctl_command(d, d), [ctl])
            with self.assertRaisesRegex(CtlNotFound, "ctl-command.json"):
                find_ctl_command(d, "/nonexistent")


class DeployScript(unittest.TestCase):

    def run_script(self, ctl_argv, *args):
        with tempfile.TemporaryDirectory() as d:
            script = os.path.join(d, "deploy")
            with open(script, "w") as f:
                f.write(deploy_script("deploy", "/srv/my buildout/buildout.cfg", ctl_argv))
            os.chmod(script, 0o755)
            return subprocess.run([script] + list(args), capture_output=True, text=True)

    def test_runs_ctl_with_the_verb_the_part_and_the_config(self):
        echo = ["/bin/echo"]
        self.assertEqual(self.run_script(echo).stdout, "deploy deploy -c /srv/my buildout/buildout.cfg\n")
        self.assertEqual(self.run_script(echo, "rollback", "--to", "0.1").stdout,
                         "rollback deploy -c /srv/my buildout/buildout.cfg --to 0.1\n")
        self.assertEqual(self.run_script(echo, "--force").stdout,
                         "deploy deploy -c /srv/my buildout/buildout.cfg --force\n")

    def test_a_command_after_options_is_refused_not_deployed(self):
        result = self.run_script(["/bin/echo"], "-c", "bad.cfg", "status")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        self.assertIn("put the command first: bin/deploy status [options]", result.stderr)

    def test_an_unknown_command_is_refused(self):
        result = self.run_script(["/bin/echo"], "destroy")
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown command 'destroy'", result.stderr)

    def test_a_vanished_ctl_is_named(self):
        result = self.run_script(["/nonexistent/node", "/bin/echo"])
        self.assertEqual(result.returncode, 127)
        self.assertIn("/nonexistent/node is missing; run ctl init", result.stderr)


class RecipeInstallAndUpdate(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(subprocess.run, ["rm", "-rf", self.dir])
        open(os.path.join(self.dir, "buildout.cfg"), "w").close()
        os.mkdir(os.path.join(self.dir, ".hostout"))
        self.buildout = {"buildout": {"directory": self.dir, "bin-directory": os.path.join(self.dir, "bin")}}
        self.argv, sys.argv = sys.argv, ["bin/buildout"]
        self.cwd = os.getcwd()
        os.chdir(self.dir)

    def tearDown(self):
        sys.argv = self.argv
        os.chdir(self.cwd)

    def record(self, *argv):
        with open(os.path.join(self.dir, ".hostout", "ctl-command.json"), "w") as f:
            json.dump({"argv": list(argv)}, f)

    def test_install_writes_bin_part_and_update_follows_the_recorded_ctl(self):
        self.record(sys.executable, __file__)
        installed = Recipe(self.buildout, "deploy", {"recipe": "collective.recipe.hostout", "host": "h"}).install()
        script = os.path.join(self.dir, "bin", "deploy")
        self.assertEqual(installed, [script])
        self.assertTrue(os.access(script, os.X_OK))
        with open(script) as f:
            self.assertIn("exec %s %s \"$verb\" deploy -c %s" % (sys.executable, __file__, os.path.join(self.dir, "buildout.cfg")), f.read())

        self.record("/bin/echo")
        Recipe(self.buildout, "deploy", {"recipe": "collective.recipe.hostout"}).update()
        with open(script) as f:
            self.assertIn('exec /bin/echo "$verb" deploy', f.read())

    def test_no_ctl_is_a_user_error_saying_what_to_do(self):
        old_path = os.environ.get("PATH")
        os.environ["PATH"] = "/nonexistent"
        self.addCleanup(os.environ.__setitem__, "PATH", old_path or "")
        with self.assertRaisesRegex(zc.buildout.UserError, r"\[deploy\].*Run `ctl init` in"):
            Recipe(self.buildout, "deploy", {})


if __name__ == "__main__":
    unittest.main()
