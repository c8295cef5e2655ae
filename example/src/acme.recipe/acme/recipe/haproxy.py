"""Write parts/<name>/haproxy.cfg: one frontend, one backend of the instances, checked
every 100 ms, and the runtime API socket Hostout drains the instances through.

Options:
  bind     ADDRESS:PORT the site is served on
  socket   the runtime API's unix socket (stats socket ... level admin)
  backend  the backend's name (the target's balancer option names it too)
  servers  NAME ADDRESS:PORT lines, one per instance (NAME: the target's server name)
"""
import os

CONFIG = """global
    stats socket {socket} level admin
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch
frontend site
    bind {bind}
    default_backend {backend}
backend {backend}
    option httpchk GET /health
{servers}
"""


class Haproxy:
    def __init__(self, buildout, name, options):
        self.options = options
        self.directory = os.path.join(buildout["buildout"]["parts-directory"], name)
        options["config"] = os.path.join(self.directory, "haproxy.cfg")

    def install(self):
        servers = [line.split() for line in self.options["servers"].splitlines() if line.strip()]
        os.makedirs(self.directory, exist_ok=True)
        with open(self.options["config"], "w") as f:
            f.write(CONFIG.format(
                socket=self.options["socket"], bind=self.options["bind"],
                backend=self.options["backend"],
                servers="\n".join("    server %s %s check inter 100ms" % (name, address)
                                  for name, address in servers)))
        return [self.directory]

    update = install
