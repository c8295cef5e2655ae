"""Write a bin/ script for every console_scripts entry point of the `eggs`.

Debian has no zc.recipe.egg, so the example carries this small equivalent.
Options:
  eggs         requirements whose working set the scripts run with
  environment  KEY = VALUE lines put in os.environ before the entry point runs
  scripts      ENTRY-POINT=SCRIPT-NAME pairs: another name for a script (a second
               instance of the same egg gets its own bin/acme-ctl2)
"""
import os
import zc.buildout.easy_install

SCRIPT = """#!{python}
import os, sys
sys.path[0:0] = [
{path}
]
os.environ.update({environment!r})
import {module}
if __name__ == '__main__':
    sys.exit({module}.{attrs}())
"""


class Scripts:
    def __init__(self, buildout, name, options):
        self.buildout, self.name, self.options = buildout, name, options
        self.eggs = [line.strip() for line in options["eggs"].splitlines() if line.strip()]
        self.environment = dict(
            (key.strip(), value.strip())
            for key, _, value in (line.partition("=") for line in
                                  options.get("environment", "").splitlines())
            if key.strip())
        self.renamed = dict(pair.split("=", 1) for pair in options.get("scripts", "").split())

    def working_set(self):
        b = self.buildout["buildout"]
        return zc.buildout.easy_install.install(
            self.eggs, b["eggs-directory"],
            links=b.get("find-links", "").split(),
            index=b.get("index"),
            path=[b["develop-eggs-directory"]],
            newest=b.get("newest") == "true",
            allow_hosts=tuple(b.get("allow-hosts", "*").split()),
        )

    def install(self):
        ws = self.working_set()
        bin_dir = self.buildout["buildout"]["bin-directory"]
        path = ",\n".join("  %r" % dist.location for dist in ws)
        written = []
        for requirement in self.eggs:
            dist = ws.find(__import__("pkg_resources").Requirement.parse(requirement))
            for name, entry in sorted(dist.get_entry_map("console_scripts").items()):
                target = os.path.join(bin_dir, self.renamed.get(name, name))
                with open(target, "w") as f:
                    f.write(SCRIPT.format(
                        python=self.buildout["buildout"]["executable"], path=path,
                        environment=self.environment, module=entry.module_name,
                        attrs=".".join(entry.attrs)))
                os.chmod(target, 0o755)
                written.append(target)
        return written

    update = install
