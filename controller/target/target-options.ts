/**
 * Every option a deployment target section accepts: its meaning, its default
 * and how it is checked. README's target reference is generated from this
 * table's descriptions, so this is the one place to add an option.
 */
import { DEFAULT_AGENT_PORT } from '../../shared/agent-port.ts';

export type OptionKind = 'string' | 'path' | 'list' | 'integer' | 'count' | 'count-or-percent' | 'enum' | 'fingerprint' | 'url' | 'ip' | 'version' | 'instances' | 'balancer';

export interface TargetOptionSpec {
  key: string;
  kind: OptionKind;
  default?: string;
  choices?: readonly string[];
  description: string;
}

export const TARGET_RECIPE = 'collective.recipe.hostout';

export const TARGET_OPTIONS: readonly TargetOptionSpec[] = [
  { key: 'recipe', kind: 'string', description: `must be ${TARGET_RECIPE}: marks the section as a deployment target` },
  { key: 'buildout', kind: 'path', default: 'prod.cfg', description: 'the production config, relative to the buildout directory; it and its extends chain go into the archive and must not use `develop`' },
  { key: 'include', kind: 'list', default: '', description: 'more files or directories (relative to the buildout directory) to pack into the buildout archive, e.g. templates the production config reads' },
  { key: 'versions-file', kind: 'string', default: 'versions.cfg', description: "the pins file, relative to the buildout directory: written into the archive with every egg pinned; when the production config extends it, a missing one is what the release writes and an existing one (the team's pins) is kept and added to" },
  { key: 'ledger', kind: 'path', default: 'hostout-ledger.txt', description: 'the release ledger (package, version, source hash, egg hash); commit it' },
  { key: 'python', kind: 'path', default: '/usr/bin/python3', description: 'the Python whose zc.buildout builds the release on this machine: default the one bin/buildout runs (a virtualenv\'s), else Debian\'s; its toolchain and Python version are what hosts build with' },
  { key: 'host', kind: 'string', default: '127.0.0.1', description: 'the host to deploy to (one host; for several use hosts or hosts-from)' },
  { key: 'hosts', kind: 'list', description: 'several hosts to deploy to, one per line or space-separated, each HOST or HOST:AGENT-PORT; one release goes to all of them' },
  { key: 'hosts-from', kind: 'string', description: 'the hosts of an Ansible inventory group: FILE GROUP (INI or YAML inventory, FILE relative to the buildout directory); ansible_host, ansible_port (SSH), hostout_agent_port and hostout_relay_host (where the other hosts reach its agent, for the relay: e.g. a private address) are read' },
  { key: 'parallel', kind: 'integer', default: '10', description: 'hosts worked on at once (connect, upload, build, go live)' },
  { key: 'batch-size', kind: 'count-or-percent', default: '100%', description: 'hosts that go live together, as a number or a percentage of the hosts; the next batch starts when this one is healthy' },
  { key: 'canary', kind: 'count', default: '0', description: 'the first N hosts go live alone and must be healthy before any other host goes live (hosts that already run the release are not counted: a canary is a host that takes it)' },
  { key: 'max-fail', kind: 'count', default: '0', description: 'hosts that may fail (each rolls itself back) before the rollout stops; hosts not yet reached keep their release' },
  { key: 'relay', kind: 'enum', default: 'hosts', choices: ['hosts', 'off'], description: 'how a release reaches several hosts: hosts (ctl uploads each blob once, to the first host that lacks it; the others fetch it from a host that has it, verified by its sha256; needs each host to reach the others\' agent-port (at their hostout_relay_host when the inventory gives one), else ctl uploads to that host itself), off (ctl uploads to every host)' },
  { key: 'path', kind: 'path', description: 'the directory on the host that holds releases/, current, shared/ and the agent state' },
  { key: 'user', kind: 'string', default: 'deploy', description: 'the unprivileged account the agent and the buildout run as' },
  { key: 'ssh-port', kind: 'integer', default: '22', description: 'SSH port for the one-time bootstrap' },
  { key: 'agent-port', kind: 'integer', default: String(DEFAULT_AGENT_PORT), description: 'TCP port the agent listens on (gRPC over TLS)' },
  { key: 'agent-listen', kind: 'ip', description: 'the address the agent binds to on the host, set when ctl bootstraps it; default: the host\'s own address when it is a loopback one, else 0.0.0.0 (every interface; the agent answers only signed requests over TLS)' },
  { key: 'agent-fingerprint', kind: 'fingerprint', description: 'sha256 fingerprint of the agent\'s TLS certificate, as printed by `hostout-agent init` (needed when the agent was not bootstrapped by ctl)' },
  { key: 'version', kind: 'version', default: '0.1', description: 'the version of the first deployment; later ones count up its last number (0.1, 0.2, … 0.10); a higher value such as 2.0 starts a new series (2.0, 2.1), a lower one than the host already gave out is refused' },
  { key: 'keep-releases', kind: 'integer', default: '5', description: 'built releases kept on the host for rollback' },
  { key: 'keep-backups', kind: 'integer', description: 'database backups kept on the host (the newest); default: as many as keep-releases. A release\'s backup goes with the release; pruning frees only what no kept backup links' },
  { key: 'services', kind: 'enum', choices: ['command', 'systemd', 'supervisor', 'none'], description: 'how the application is started and stopped; default: command when start is set, else none' },
  { key: 'start', kind: 'string', description: 'services = command: shell command run in the release directory to start the application' },
  { key: 'stop', kind: 'string', description: 'services = command: shell command to stop it' },
  { key: 'status', kind: 'string', description: 'services = command: shell command that exits 0 while it runs' },
  { key: 'stop-timeout', kind: 'integer', default: '120', description: 'seconds the stop command (or systemctl / supervisorctl stop) may run; when it passes, the command is killed with its process group and the deploy stops before the switch, the running release left as it was' },
  { key: 'service-names', kind: 'list', default: '', description: 'services = systemd or supervisor: the unit or program names to stop and start' },
  { key: 'instances', kind: 'instances', description: 'instances of the application behind a balancer, one per line: SCRIPT HEALTH-URL [SERVER] (e.g. bin/instance1 http://127.0.0.1:8081/ok); a deploy or rollback restarts them one at a time with `SCRIPT stop` / `SCRIPT start`, each healthy before the next, while the others serve; the services of start/stop or service-names (a ZEO server) run beside them and restart only when their own settings change. SERVER: its name in the balancer\'s backend, default the script\'s file name' },
  { key: 'balancer', kind: 'balancer', description: 'haproxy SOCKET BACKEND: drain each instance through HAProxy\'s runtime API (`stats socket SOCKET level admin`; relative: from the release directory) before it stops, and put it back once healthy; unset: nothing drains the instances' },
  { key: 'drain-timeout', kind: 'integer', default: '30', description: 'seconds to wait for a draining instance\'s sessions to end; then it is stopped anyway (the requests it still holds are cut, and the output says how many)' },
  { key: 'before-deploy', kind: 'string', description: 'shell command run on the controller, in the buildout directory, once the release is known and before anything is sent (a chat message, a check); it fails: nothing is sent or changed. Sees HOSTOUT_TARGET, HOSTOUT_HOSTS, HOSTOUT_TAG, HOSTOUT_RELEASED' },
  { key: 'after-deploy', kind: 'string', description: 'shell command run on the controller after a deploy went live or failed (not when nothing changed); sees HOSTOUT_VERSION, HOSTOUT_OUTCOME (deployed or failed) and HOSTOUT_ERROR besides those of before-deploy; it fails: a warning, the deploy\'s outcome stands' },
  { key: 'migrate', kind: 'string', description: 'shell command run in the new release directory after the switch and before start, with the services stopped and the database backed up (schema migrations, Plone upgrade steps); if it fails, the deploy is rolled back, database included' },
  { key: 'migrate-timeout', kind: 'integer', default: '600', description: 'seconds the migrate command may run before it is stopped and the deploy rolled back' },
  { key: 'health-url', kind: 'url', description: 'HTTP URL that must answer 2xx after start' },
  { key: 'health-command', kind: 'string', description: 'shell command that must exit 0 after start (in the release directory)' },
  { key: 'health-timeout', kind: 'integer', default: '30', description: 'seconds the health check may take in all before the deploy is rolled back' },
  { key: 'health-retries', kind: 'integer', default: '20', description: 'the fewest health probes within health-timeout: the first comes right after start, then pauses grow from 20 ms up to 1 s, never longer than health-timeout / health-retries' },
  { key: 'db', kind: 'enum', default: 'files', choices: ['files', 'postgresql', 'command', 'none'], description: 'how the database is backed up before a release goes live' },
  { key: 'db-paths', kind: 'list', default: '', description: 'db = files: files or directories under shared/var to copy (SQLite, Data.fs, blobstorage); empty means all of shared/var' },
  { key: 'db-name', kind: 'string', description: 'db = postgresql: the database to pg_dump / pg_restore' },
  { key: 'db-backup-command', kind: 'string', description: 'db = command: writes the backup to $HOSTOUT_BACKUP_DIR' },
  { key: 'db-restore-command', kind: 'string', description: 'db = command: restores from $HOSTOUT_BACKUP_DIR' },
  { key: 'app-logs', kind: 'list', default: '', description: 'the application\'s own log files, relative to the release directory (e.g. var/log/instance.log var/log/instance-Z2.log): what `ctl logs --app [-f]` shows, on every host' },
  { key: 'shared-dirs', kind: 'list', default: 'var', description: 'directories of each release that live in shared/ and outlive releases' },
  { key: 'max-unpacked-size', kind: 'integer', default: '1024', description: 'megabytes the buildout archive may unpack to; ctl refuses to release a bigger one and the agent refuses to unpack one (raise it for a buildout that ships large files)' },
];

/** Options of collective.hostout that Hostout answers with a specific explanation. */
export const RETIRED_OPTIONS: Readonly<Record<string, string>> = {
  password: 'root credentials are never stored: ctl bootstrap asks for them once (or reads --root-password-stdin)',
  'identity-file': 'ctl bootstrap takes --identity FILE, or uses your ssh-agent',
  versionsfile: 'use versions-file',
  'effective-user': 'use user',
  'buildout-user': 'use user',
};
