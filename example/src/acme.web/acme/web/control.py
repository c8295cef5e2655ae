"""start | stop | status for the web service, with a pid file under var/."""
import os
import signal
import subprocess
import sys
import time


def pidfile():
    return os.environ.get("ACME_PIDFILE", "var/acme.pid")


def running_pid():
    try:
        pid = int(open(pidfile()).read().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    # A zombie (exited, not yet reaped by its parent) counts as stopped.
    try:
        with open("/proc/%d/status" % pid) as status:
            if any(line.startswith("State:") and "Z" in line.split()[1] for line in status):
                return None
    except OSError:
        pass
    return pid


def start():
    if running_pid():
        return 0
    os.makedirs(os.path.dirname(os.path.abspath(pidfile())), exist_ok=True)
    # a second instance's scripts are renamed (bin/acme-ctl2): ACME_SERVER names its server script
    server = os.environ.get("ACME_SERVER") or os.path.join(os.path.dirname(os.path.abspath(sys.argv[0])), "acme-web")
    log = open(os.environ.get("ACME_LOG", "var/acme.log"), "ab")
    proc = subprocess.Popen([server], stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    with open(pidfile() + ".tmp", "w") as f:
        f.write(str(proc.pid))
    os.replace(pidfile() + ".tmp", pidfile())
    return 0


def stop():
    pid = running_pid()
    if pid:
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if running_pid() is None:
                break
            time.sleep(0.05)
    if os.path.exists(pidfile()):
        os.remove(pidfile())
    return 0


def status():
    pid = running_pid()
    print("running (pid %d)" % pid if pid else "stopped")
    return 0 if pid else 3


def main():
    action = sys.argv[1] if len(sys.argv) > 1 else "status"
    return {"start": start, "stop": stop, "status": status}[action]()
