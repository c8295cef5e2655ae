import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentServiceName } from '../../shared/agent-service-name.ts';
import type { Target } from '../target/target.ts';
import { splitList } from '../target/target.ts';

const DEPLOY_DIR = fileURLToPath(new URL('../../deploy/', import.meta.url));

/** One of the files in deploy/: what gets installed on a host. */
export function deployFile(name: string): string {
  return readFileSync(`${DEPLOY_DIR}${name}`, 'utf8');
}

/** The systemd unit for a target's agent, from deploy/hostout-agent.service. */
export function renderAgentUnit(options: { user: string; path: string; exec: string; servicesNeedRoot: boolean }): string {
  const unit = deployFile('hostout-agent.service')
    .replaceAll('@NAME@', agentServiceName(options.path))
    .replaceAll('@USER@', options.user)
    .replaceAll('@PATH@', options.path)
    .replaceAll('@EXEC@', options.exec);
  // sudo is setuid: it cannot work under NoNewPrivileges, and systemd services need it
  return options.servicesNeedRoot
    ? unit.replace('NoNewPrivileges=true', '# NoNewPrivileges would stop sudo, which starts and stops the systemd services below\nNoNewPrivileges=false')
    : unit;
}

/** Sudo rights limited to starting and stopping the target's own systemd units, only when it has them. */
export function renderSudoers(target: Target, user: string): string {
  if (target.options.get('services') !== 'systemd') return '';
  const names = splitList(target.options.get('service-names') ?? '');
  if (names.length === 0) return '';
  const start = `/usr/bin/systemctl start ${names.join(' ')}`;
  const stop = `/usr/bin/systemctl stop ${[...names].reverse().join(' ')}`;
  return `# written by ctl bootstrap: ${user} may start and stop its services, nothing else\n${user} ALL=(root) NOPASSWD: ${start}, ${stop}`;
}
