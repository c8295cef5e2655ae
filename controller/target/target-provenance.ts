/**
 * `ctl config`: every option of a target as it resolves, and where the value came from:
 * the file and line that set it (through extends, macros and `+=`), the option's default,
 * or what Hostout worked out (the python bin/buildout runs). Pure: from the read config.
 */
import type { BuildoutConfig } from '../config/buildout-config.ts';
import { COMMAND_LINE_VALUE, COMPUTED_VALUE, DEFAULT_VALUE } from '../config/section-merge.ts';
import type { Target } from './target.ts';
import { TARGET_OPTIONS } from './target-options.ts';
import { hostLabel } from './target-hosts.ts';

export interface ResolvedOption {
  key: string;
  /** undefined: not set, and no default */
  value?: string;
  /** "buildout.cfg:14", "default", "worked out: …", "not set" */
  origin: string;
}

export function resolvedTargetOptions(config: BuildoutConfig, target: Target): ResolvedOption[] {
  const section = config.section(target.name) ?? new Map<string, string>();
  return TARGET_OPTIONS.map((spec) => {
    const key = spec.key;
    if (section.has(key)) return { key, value: target.options.get(key), origin: originOf(config, target.name, key) };
    if (key === 'python') return { key, value: target.python, origin: `worked out: the interpreter this buildout runs with (bin/buildout's #!, else ${spec.default})` };
    if (key === 'host' && target.hosts.length > 1) return { key, value: target.hosts.map(hostLabel).join(' '), origin: 'worked out: hosts / hosts-from' };
    if (spec.default !== undefined) return { key, value: target.options.get(key) ?? spec.default, origin: 'default' };
    return { key, origin: 'not set' };
  });
}

function originOf(config: BuildoutConfig, section: string, key: string): string {
  const origin = config.option(section, key);
  if (!origin) return 'set';
  if (origin.file === COMMAND_LINE_VALUE) return 'command line';
  if (origin.file === DEFAULT_VALUE || origin.file === COMPUTED_VALUE) return 'buildout';
  return `${origin.file}:${origin.line}`;
}

/** One option per line, `key = value   # where`, multi-line values indented as in buildout.cfg. */
export function formatResolvedOptions(target: string, options: readonly ResolvedOption[], relativeTo: (file: string) => string): string {
  const set = options.filter((o) => o.value !== undefined);
  const width = Math.max(...set.map((o) => o.key.length));
  const lines = [`[${target}]`];
  for (const o of set) {
    const [first, ...rest] = o.value!.split('\n');
    const origin = /^(.*):(\d+)$/.exec(o.origin);
    lines.push(`${o.key.padEnd(width)} = ${first}${' '.repeat(Math.max(1, 40 - width - (first ?? '').length))}# ${origin ? `${relativeTo(origin[1]!)}:${origin[2]}` : o.origin}`);
    for (const line of rest) if (line.trim()) lines.push(`    ${line.trim()}`);
  }
  const unset = options.filter((o) => o.value === undefined).map((o) => o.key);
  if (unset.length) lines.push(`# not set: ${unset.join(', ')}`);
  return lines.join('\n') + '\n';
}
