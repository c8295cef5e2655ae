import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TargetError } from '../../shared/errors.ts';

/** A host of an Ansible inventory group, with the variables Hostout reads (host vars over group vars). */
export interface InventoryHost {
  name: string;
  vars: Record<string, string>;
}

interface Group {
  hosts: Map<string, Record<string, string>>;
  children: Set<string>;
  vars: Record<string, string>;
}

/**
 * The hosts of `group` in an Ansible inventory, INI or YAML (by extension
 * .yml/.yaml, else INI), children groups included, without Ansible. The YAML
 * goes through the `yaml` package; Ansible's INI dialect (host lines with
 * key=value vars, `:children`, `:vars`, `[01:03]` ranges) is not INI as ini
 * parsers know it, so it is read here.
 */
export function inventoryGroupHosts(file: string, group: string, where: string): InventoryHost[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TargetError(`cannot read the inventory ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`, { where, hint: 'hosts-from = FILE GROUP, FILE relative to the buildout directory' });
  }
  const groups = /\.ya?ml$/i.test(file) ? yamlGroups(text, file) : iniGroups(text, file);
  if (group !== 'all' && !groups.has(group)) {
    throw new TargetError(`the inventory ${file} has no group '${group}'`, { where, hint: `groups there: ${[...groups.keys()].filter((g) => g !== 'all').join(', ') || '(none)'}` });
  }
  const found = new Map<string, Record<string, string>>();
  collect(groups, group, {}, found, new Set());
  if (found.size === 0) throw new TargetError(`group '${group}' in ${file} has no hosts`, { where });
  if (found.size > MAX_INVENTORY_HOSTS) throw tooManyHosts(`group '${group}' in ${file}`, where);
  return [...found].map(([name, vars]) => ({ name, vars }));
}

function collect(groups: Map<string, Group>, name: string, inherited: Record<string, string>, found: Map<string, Record<string, string>>, visiting: Set<string>): void {
  if (visiting.has(name)) return; // a cycle of children: each group once
  visiting.add(name);
  const group = groups.get(name);
  if (name === 'all' && !group?.hosts.size) {
    for (const g of groups.values()) for (const [host, vars] of g.hosts) found.set(host, { ...inherited, ...g.vars, ...(found.get(host) ?? {}), ...vars });
    return;
  }
  if (!group) return;
  const vars = { ...inherited, ...group.vars };
  for (const [host, hostVars] of group.hosts) found.set(host, { ...vars, ...(found.get(host) ?? {}), ...hostVars });
  for (const child of group.children) collect(groups, child, vars, found, visiting);
}

function groupOf(groups: Map<string, Group>, name: string): Group {
  let group = groups.get(name);
  if (!group) groups.set(name, (group = { hosts: new Map(), children: new Set(), vars: {} }));
  return group;
}

function iniGroups(text: string, file: string): Map<string, Group> {
  const groups = new Map<string, Group>();
  let section = { group: 'ungrouped', kind: 'hosts' };
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/(^|\s)[#;].*$/, '').trim();
    if (!line) return;
    const header = /^\[([^\]:]+)(?::(children|vars))?\]$/.exec(line);
    if (header) {
      section = { group: header[1]!, kind: header[2] ?? 'hosts' };
      groupOf(groups, section.group);
      return;
    }
    const group = groupOf(groups, section.group);
    if (section.kind === 'children') group.children.add(line);
    else if (section.kind === 'vars') {
      const [key, ...value] = line.split('=');
      if (!value.length) throw new TargetError(`expected key=value in [${section.group}:vars]`, { where: `${file}:${index + 1}` });
      group.vars[key!.trim()] = unquote(value.join('=').trim());
    } else {
      const [pattern, ...assignments] = line.split(/\s+/);
      const vars: Record<string, string> = {};
      for (const assignment of assignments) {
        const eq = assignment.indexOf('=');
        if (eq < 1) throw new TargetError(`expected key=value after the host name, got '${assignment}'`, { where: `${file}:${index + 1}` });
        vars[assignment.slice(0, eq)] = unquote(assignment.slice(eq + 1));
      }
      for (const name of expandRange(pattern!, `${file}:${index + 1}`)) group.hosts.set(name, vars);
      if (group.hosts.size > MAX_INVENTORY_HOSTS) throw tooManyHosts(`group [${section.group}]`, `${file}:${index + 1}`);
    }
  });
  return groups;
}

/** The most hosts an inventory may give a target: far beyond any fleet one ctl drives, and cheap to read. */
export const MAX_INVENTORY_HOSTS = 10_000;

/**
 * Ansible's `web[01:03].example.com` → web01, web02, web03 (numeric ranges, zero padding kept;
 * several ranges multiply). The count is known before anything is expanded: a pattern that
 * would give more than MAX_INVENTORY_HOSTS is refused at once, and expanding is a loop, not
 * a recursion, whatever the number of ranges.
 */
function expandRange(pattern: string, where: string): string[] {
  const parts = pattern.split(/(\[\d+:\d+\])/);
  let count = 1;
  const choices = parts.map((part) => {
    const range = /^\[(\d+):(\d+)\]$/.exec(part);
    if (!range) return [part];
    const [from, to] = [Number(range[1]), Number(range[2])];
    if (from > to) throw new TargetError(`host range ${part} in ${pattern} runs backwards`, { where });
    count *= to - from + 1;
    if (count > MAX_INVENTORY_HOSTS) throw tooManyHosts(`the host pattern ${pattern}`, where);
    const width = range[1]!.startsWith('0') ? range[1]!.length : 0;
    return Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(width, '0'));
  });
  let names = [''];
  for (const options of choices) names = names.flatMap((name) => options.map((option) => name + option));
  return names;
}

function tooManyHosts(what: string, where: string): TargetError {
  return new TargetError(`${what} gives more than ${MAX_INVENTORY_HOSTS} hosts`, { where, hint: `a target deploys to at most ${MAX_INVENTORY_HOSTS} hosts; narrow the range, or split the hosts over several groups and targets` });
}

function unquote(value: string): string {
  return /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/**
 * The YAML parser, loaded only for a YAML inventory: every ctl command reads the targets,
 * and carrying the parser cost each of them about 10 ms to start. Required at run time
 * (not bundled), from node_modules beside the checkout.
 */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text);
}

function yamlGroups(text: string, file: string): Map<string, Group> {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new TargetError(`the inventory is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { where: line ? `${file}:${line}` : file });
  }
  const groups = new Map<string, Group>();
  // a recursive alias (&a … *a) makes a body that contains itself: each body is read once
  const seen = new Set<object>();
  const read = (name: string, body: unknown) => {
    const group = groupOf(groups, name);
    if (!body || typeof body !== 'object' || seen.has(body)) return;
    seen.add(body);
    const { hosts, children, vars } = body as { hosts?: Record<string, unknown>; children?: Record<string, unknown>; vars?: Record<string, unknown> };
    for (const [host, hostVars] of Object.entries(hosts ?? {})) group.hosts.set(host, stringValues(hostVars));
    Object.assign(group.vars, stringValues(vars));
    for (const [child, childBody] of Object.entries(children ?? {})) {
      group.children.add(child);
      read(child, childBody);
    }
  };
  for (const [name, body] of Object.entries((document ?? {}) as Record<string, unknown>)) read(name, body);
  return groups;
}

function stringValues(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}
