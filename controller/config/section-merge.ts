/**
 * Layering one set of sections over another, with buildout's `+=` / `-=` rules
 * (zc.buildout.buildout._update and _update_section). Extends, command-line
 * overrides and `<=` macros all layer through here.
 */
import type { OptionOp, RawBuildoutFile } from './buildout-file.ts';

/** A value and where the definition that decided it was written. */
export interface ConfigValue { value: string; file: string; line: number }

/** Buildout's own names for values no file defined. */
export const DEFAULT_VALUE = 'DEFAULT_VALUE';
export const COMPUTED_VALUE = 'COMPUTED_VALUE';
export const COMMAND_LINE_VALUE = 'COMMAND_LINE_VALUE';

/**
 * Options keyed the way buildout keys them while merging: `eggs` for `=`, `eggs +` and
 * `eggs -` for operations still waiting for a value to apply to.
 */
export type SectionDefinitions = Map<string, ConfigValue>;
export type ConfigDefinitions = Map<string, SectionDefinitions>;

export function definitionKey(key: string, op: OptionOp): string {
  return op === '=' ? key : `${key} ${op[0]}`;
}

/** One file's sections; a later definition of the same option in the file replaces the earlier. */
export function definitionsOfFile(file: RawBuildoutFile): ConfigDefinitions {
  const sections: ConfigDefinitions = new Map();
  for (const section of file.sections) {
    const options = sections.get(section.name) ?? new Map<string, ConfigValue>();
    sections.set(section.name, options);
    for (const { key, op, value, file: path, line } of section.options) {
      options.set(definitionKey(key, op), { value, file: path, line });
    }
  }
  return sections;
}

/**
 * Sections only in `layer` are taken as they are, pending `+=`/`-=` included:
 * buildout applies those only when the section already exists underneath.
 */
export function layerConfig(base: ConfigDefinitions, layer: ConfigDefinitions): ConfigDefinitions {
  const result = new Map(base);
  for (const [name, section] of layer) {
    const under = result.get(name);
    result.set(name, under ? layerSection(under, section) : section);
  }
  return result;
}

/**
 * `+=` and `-=` apply to the layer's own `=` value if it has one, else to the base's,
 * else to an empty value; all additions of an option happen before its removals.
 */
export function layerSection(base: SectionDefinitions, layer: SectionDefinitions): SectionDefinitions {
  const resolved = new Map(layer);
  for (const sign of ['+', '-'] as const) {
    for (const [pendingKey, operand] of layer) {
      if (!pendingKey.endsWith(` ${sign}`)) continue;
      const key = pendingKey.slice(0, -2);
      const current = resolved.get(key) ?? base.get(key) ?? { value: '', file: '', line: 0 };
      const value = sign === '+' ? addLines(current.value, operand.value) : removeLines(current.value, operand.value);
      resolved.set(key, { ...operand, value });
      resolved.delete(pendingKey);
    }
  }
  const result = new Map(base);
  for (const [key, definition] of resolved) result.set(key, definition);
  return result;
}

function addLines(value: string, added: string): string {
  return `${value}\n${added}`;
}

function removeLines(value: string, removed: string): string {
  const unwanted = new Set(removed.split('\n'));
  return value.split('\n').filter((line) => !unwanted.has(line)).join('\n');
}
