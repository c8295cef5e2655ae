/**
 * The target options `instances` and `balancer`, read into what the manifest carries. Pure:
 * each refusal names the option's line and what to write instead.
 *
 *   instances =
 *       bin/instance1  http://127.0.0.1:8081/ok            (server name: instance1)
 *       bin/instance2  http://127.0.0.1:8082/ok  client2   (server name in the backend: client2)
 *   balancer = haproxy /run/haproxy/admin.sock plone
 */
import { isAbsolute, normalize } from 'node:path';
import { TargetError } from '../../shared/errors.ts';
import type { BalancerSettings, InstanceSettings } from '../../shared/manifest.ts';

const INSTANCES_FORMAT = 'one instance per line: SCRIPT HEALTH-URL [SERVER], e.g. "bin/instance1 http://127.0.0.1:8081/ok"; SERVER is its name in the balancer\'s backend (default: the script\'s file name)';

export function readInstances(value: string, where: string): InstanceSettings[] {
  const lines = value.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const instances = lines.map((line, index) => readInstanceLine(line, `${where} (instances, entry ${index + 1})`));
  const firstTwice = (key: (i: InstanceSettings) => string) => instances.find((instance, index) => instances.findIndex((other) => key(other) === key(instance)) !== index);
  const script = firstTwice((i) => normalize(i.script));
  if (script) throw new TargetError(`instances: ${script.script} is named twice`, { where, hint: 'each instance has its own control script' });
  const url = firstTwice((i) => i.healthUrl);
  if (url) {
    const both = instances.filter((i) => i.healthUrl === url.healthUrl).map((i) => i.script);
    throw new TargetError(`instances: ${both.join(' and ')} have one health URL, ${url.healthUrl}`, {
      where,
      hint: "give each instance the URL of its own port: with a shared one, a broken instance is reported healthy while another answers for it",
    });
  }
  const server = firstTwice((i) => i.server);
  if (server) throw new TargetError(`instances: two instances are server "${server.server}" of the balancer`, { where, hint: 'name each instance\'s server as haproxy.cfg does (third column)' });
  return instances;
}

function readInstanceLine(line: string, where: string): InstanceSettings {
  const fields = line.split(/\s+/);
  const fail = (problem: string) => new TargetError(`instances: "${line}": ${problem}`, { where, hint: INSTANCES_FORMAT });
  if (fields.length < 2 || fields.length > 3) throw fail(`expected 2 or 3 fields, found ${fields.length}`);
  const [script, healthUrl, server] = fields as [string, string, string | undefined];
  if (isAbsolute(script) || normalize(script).startsWith('..')) throw fail(`the control script must be a path inside the release, such as bin/instance1 (it runs from each release's own directory)`);
  if (!/^https?:\/\/\S+$/.test(healthUrl) || !URL.canParse(healthUrl)) throw fail(`${healthUrl} is not an http:// or https:// URL`);
  return { script, healthUrl, server: server ?? script.split('/').at(-1)! };
}

const BALANCER_FORMAT = 'balancer = haproxy SOCKET BACKEND: the `stats socket SOCKET level admin` of haproxy.cfg (a relative path is read from the release directory) and the backend whose servers are the instances';

export function readBalancer(value: string, where: string, drainTimeoutSeconds: number): BalancerSettings {
  const fields = value.trim().split(/\s+/);
  if (fields[0] !== 'haproxy') {
    throw new TargetError(`balancer = ${value.trim()}: ${fields[0] ? `"${fields[0]}" is not a balancer Hostout drives` : 'empty'}; it drives haproxy (through its runtime API)`, {
      where,
      hint: `${BALANCER_FORMAT}. With another balancer, leave balancer unset: the instances still restart one at a time, undrained`,
    });
  }
  if (fields.length !== 3) throw new TargetError(`balancer = ${value.trim()}: expected 3 fields, found ${fields.length}`, { where, hint: BALANCER_FORMAT });
  return { kind: 'haproxy', socket: fields[1]!, backend: fields[2]!, drainTimeoutSeconds };
}
