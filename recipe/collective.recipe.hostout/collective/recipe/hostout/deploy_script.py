"""The text of bin/<part>: a POSIX shell script that runs ctl for one target."""
import shlex

# The ctl commands that act on one target; the first argument of bin/<part>
# may name one, anything else goes to ctl as it is.
VERBS = ("deploy", "plan", "release", "rollback", "status", "history", "check", "logs", "lock", "unlock", "exec", "report",
         "bootstrap", "upgrade-agent", "restart", "stop", "start", "config")
DEFAULT_VERB = "deploy"


def deploy_script(part, config_file, ctl_argv):
    q = shlex.quote
    checks = "".join(
        "[ -e %s ] || { printf '%%s: %%s is missing; run ctl init in this buildout again, then bin/buildout\\n' %s %s >&2; exit 127; }\n"
        % (q(path), q("bin/" + part), q(path))
        for path in ctl_argv)
    return """#!/bin/sh
# Hostout deployment target [{part}] of {config}
# Written by collective.recipe.hostout; bin/buildout writes it again, edit the part instead.
#   bin/{part} [{verbs}] [ctl options...]
# runs `ctl COMMAND {part} -c {config} [ctl options...]`; with no command it deploys.
verb={default}
case "${{1-}}" in
  {cases}) verb=$1; shift ;;
  '') ;;
  -*)
    # options first and a command after them would deploy: say where the command goes instead
    for arg in "$@"; do
      case "$arg" in
        {cases}) printf '%s: put the command first: %s %s [options]\n' {q_bin} {q_bin} "$arg" >&2; exit 2 ;;
      esac
    done ;;
  *) printf '%s: unknown command %s; one of: %s\n' {q_bin} "'$1'" '{verbs_spaced}' >&2; exit 2 ;;
esac
{checks}exec {ctl} "$verb" {q_part} -c {q_config} "$@"
""".format(
        part=part,
        config=config_file,
        verbs="|".join(VERBS),
        verbs_spaced=" ".join(VERBS),
        default=DEFAULT_VERB,
        cases="|".join(VERBS),
        checks=checks,
        ctl=" ".join(q(a) for a in ctl_argv),
        q_part=q(part),
        q_bin=q("bin/" + part),
        q_config=q(config_file),
    )
