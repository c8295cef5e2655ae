import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { TargetError } from '../../shared/errors.ts';
import type { BuildoutConfig } from '../config/buildout-config.ts';
import { TARGET_OPTIONS, TARGET_RECIPE, RETIRED_OPTIONS, type TargetOptionSpec } from './target-options.ts';
import { closestMatch } from './closest-match.ts';
import { readTargetHosts, targetForHost, type TargetHost } from './target-hosts.ts';
import { checkVersionSeries } from '../../shared/deployment-version.ts';
import { readBalancer, readInstances } from './instance-settings.ts';

/** A deployment target: a section of the developer's buildout with recipe = collective.recipe.hostout. */
export interface Target {
  name: string;
  /** the buildout directory of the config that defines the target */
  buildoutDirectory: string;
  /** absolute path of the production config */
  buildoutFile: string;
  include: string[];
  versionsFile: string;
  ledgerFile: string;
  python: string;
  /** where it deploys: one host (`host`) or several (`hosts`, `hosts-from`) */
  hosts: TargetHost[];
  options: ReadonlyMap<string, string>;
}

export function targetSectionNames(config: BuildoutConfig): string[] {
  return config.sectionNames().filter((name) => config.get(name, 'recipe')?.trim() === TARGET_RECIPE);
}

/** Finds the target to use: the named one, or the only one. `command` is the ctl command, for the hint. */
export function selectTarget(config: BuildoutConfig, requested: string | undefined, command = 'deploy'): Target {
  const names = targetSectionNames(config);
  if (requested) {
    if (names.includes(requested)) return readTarget(config, requested);
    const isSection = config.sectionNames().includes(requested);
    throw new TargetError(
      isSection
        ? `section [${requested}] is not a deployment target (its recipe is not ${TARGET_RECIPE})`
        : `no deployment target named '${requested}'`,
      { where: config.topFile, hint: names.length ? `targets here: ${names.join(', ')}` : addTargetHint() },
    );
  }
  if (names.length === 1) return readTarget(config, names[0]!);
  if (names.length === 0) throw new TargetError('no deployment target in this buildout', { where: config.topFile, hint: addTargetHint() });
  throw new TargetError(`several deployment targets: ${names.join(', ')}; name one`, { where: config.topFile, hint: `e.g. ctl ${command} ${names[0]}` });
}

function addTargetHint(): string {
  return `add a section such as:\n    [production]\n    recipe = ${TARGET_RECIPE}\n    path = /srv/myapp\n    buildout = prod.cfg`;
}

export function readTarget(config: BuildoutConfig, name: string): Target {
  const section = config.section(name)!;
  const options = new Map<string, string>();
  for (const [key, value] of section) {
    options.set(key, checkTargetOption(name, key, value, describeWhere(config, name, key)));
  }
  for (const spec of TARGET_OPTIONS) {
    if (!options.has(spec.key) && spec.default !== undefined) options.set(spec.key, spec.default);
  }
  const directory = config.get('buildout', 'directory')!;
  const inDirectory = (p: string) => (isAbsolute(p) ? p : resolve(directory, p));
  const explicit = new Set([...section.keys()]);
  const hosts = readTargetHosts(options, explicit, directory, (key) => describeWhere(config, name, key));
  if (hosts.length > 1 && explicit.has('agent-fingerprint')) {
    throw new TargetError('agent-fingerprint pins one agent, but the target has several hosts', {
      where: describeWhere(config, name, 'agent-fingerprint'),
      hint: 'pin each host\'s agent with `ctl pin HOST[:PORT] sha256:...` (or let `ctl bootstrap` pin them) and remove agent-fingerprint',
    });
  }
  const target: Target = {
    name,
    buildoutDirectory: directory,
    buildoutFile: inDirectory(options.get('buildout')!),
    include: splitList(options.get('include')!),
    versionsFile: options.get('versions-file')!,
    ledgerFile: inDirectory(options.get('ledger')!),
    // unset: the interpreter that runs this buildout (its bin/buildout), which releases with its toolchain
    python: explicit.has('python') ? options.get('python')! : config.buildoutPython,
    hosts,
    options,
  };
  // one host from hosts or hosts-from (an inventory group of one): every command talks to it
  // as to `host`, at its own agent and ssh ports
  return hosts.length === 1 ? targetForHost(target, hosts[0]!) : target;
}

/** One option of target [section] checked as readTarget checks it; `where` names its line or flag. */
export function checkTargetOption(section: string, key: string, value: string, where: string): string {
  const spec = TARGET_OPTIONS.find((o) => o.key === key);
  if (!spec) throw unknownOption(section, key, where);
  return validateOption(spec, value.trim(), where);
}

export function splitList(value: string): string[] {
  return value.split(/\s+/).filter(Boolean);
}

function describeWhere(config: BuildoutConfig, section: string, key: string): string {
  const origin = config.option(section, key);
  return origin ? `${origin.file}:${origin.line}` : `[${section}] ${key}`;
}

function unknownOption(section: string, key: string, where: string): TargetError {
  const retired = RETIRED_OPTIONS[key];
  if (retired) return new TargetError(`[${section}] ${key} is not supported`, { where, hint: retired });
  const suggestion = closestMatch(key, TARGET_OPTIONS.map((o) => o.key));
  return new TargetError(`[${section}] has an unknown option '${key}'`, {
    where,
    hint: suggestion ? `did you mean '${suggestion}'?` : `known options: ${TARGET_OPTIONS.map((o) => o.key).join(', ')}`,
  });
}

function validateOption(spec: TargetOptionSpec, value: string, where: string): string {
  const fail = (expected: string) => new TargetError(`${spec.key} = ${value || '(empty)'}: expected ${expected}`, { where, hint: spec.description });
  switch (spec.kind) {
    case 'integer':
      if (!/^\d+$/.test(value) || Number(value) < 1) throw fail('a whole number of 1 or more');
      break;
    case 'count':
      if (!/^\d+$/.test(value)) throw fail('a whole number (0 or more)');
      break;
    case 'count-or-percent':
      if (!/^\d+%?$/.test(value) || parseInt(value) < 1 || (value.endsWith('%') && parseInt(value) > 100)) throw fail('a number of hosts (1 or more) or a percentage (1% to 100%)');
      break;
    case 'enum':
      if (!spec.choices!.includes(value)) throw fail(`one of ${spec.choices!.join(', ')}`);
      break;
    case 'fingerprint':
      if (!/^sha256:[0-9a-f]{64}$/.test(value)) throw fail('sha256:<64 hex digits>, as printed by `hostout-agent init`');
      break;
    case 'url':
      if (!/^https?:\/\/\S+$/.test(value)) throw fail('an http:// or https:// URL');
      break;
    case 'ip':
      if (!isIP(value)) throw fail('an IP address, such as 0.0.0.0 or 10.0.0.5');
      break;
    case 'version':
      checkVersionSeries(value, where);
      break;
    case 'instances':
      readInstances(value, where);
      break;
    case 'balancer':
      readBalancer(value, where, 0);
      break;
    case 'string':
      if (spec.key === 'recipe' && value !== TARGET_RECIPE) throw fail(TARGET_RECIPE);
      break;
  }
  return value;
}
