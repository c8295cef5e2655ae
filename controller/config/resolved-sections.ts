/**
 * Sections as buildout's Options objects see them: on first use a section has its
 * macros expanded and every option substituted, so a bad reference anywhere in a section
 * fails when that section is used, as in buildout. Values are computed once and kept.
 */
import { ConfigError } from '../../shared/errors.ts';
import { substituteReferences } from './option-substitution.ts';
import { expandMacros } from './section-macros.ts';
import type { ConfigDefinitions, ConfigValue, SectionDefinitions } from './section-merge.ts';

export interface ResolvedSections {
  names(): string[];
  /** Every option of the section, substituted; undefined when no such section exists. */
  section(name: string): Map<string, ConfigValue> | undefined;
  /** Overwrites a computed value, as buildout does for its directory options. */
  replace(section: string, option: string, value: string): void;
}

interface SectionState { raw: SectionDefinitions; values: Map<string, ConfigValue> }

export function resolveSections(definitions: ConfigDefinitions): ResolvedSections {
  const states = new Map<string, SectionState>();

  const initialized = (name: string): SectionState | undefined => {
    const known = states.get(name);
    const own = definitions.get(name);
    if (known || !own) return known;
    // Registered before substituting, so references back into this section find it.
    const state: SectionState = { raw: expandMacros(name, own, definitions), values: new Map() };
    states.set(name, state);
    for (const key of [...state.raw.keys()].sort()) valueOf(name, state, key, []);
    if (name !== 'buildout') initializePartDependencies(name, state);
    return state;
  };

  // `=> a b` in a section makes buildout use sections a and b before it.
  const initializePartDependencies = (name: string, state: SectionState): void => {
    const option = valueOf(name, state, '<part-dependencies>', []);
    for (const dependency of option?.value.split(/\s+/).filter(Boolean) ?? []) {
      if (!initialized(dependency)) throw missingSection(dependency, option as ConfigValue);
    }
  };

  // `chain` holds the options being substituted, innermost last, to report circular references.
  const valueOf = (name: string, state: SectionState, key: string, chain: string[]): ConfigValue | undefined => {
    const known = state.values.get(key);
    const option = state.raw.get(key);
    if (known || !option) return known;
    if (!option.value.includes('${')) {
      state.values.set(key, option);
      return option;
    }

    const id = `${name}:${key}`;
    if (chain.includes(id)) throw circularReference([...chain, id], option);
    const lookup = (section: string, referenced: string): string | undefined => {
      const target = initialized(section);
      if (!target) throw missingSection(section, option);
      return valueOf(section, target, referenced, [...chain, id])?.value;
    };
    const value = substituteReferences(option.value, name, lookup, `${option.file}:${option.line}`);
    const resolved = { ...option, value };
    state.values.set(key, resolved);
    return resolved;
  };

  return {
    names: () => [...definitions.keys()],
    section(name) {
      const state = initialized(name);
      if (!state) return undefined;
      // Normally already done; after a failed first use this rethrows the same error.
      for (const key of state.raw.keys()) valueOf(name, state, key, []);
      return new Map([...state.raw.keys()].map((key) => [key, state.values.get(key) as ConfigValue]));
    },
    replace(section, option, value) {
      const state = initialized(section);
      const current = state?.values.get(option);
      if (state && current) state.values.set(option, { ...current, value });
    },
  };
}

function missingSection(name: string, referencedBy: ConfigValue): ConfigError {
  return new ConfigError(`the section [${name}] is referenced but not defined`, {
    where: `${referencedBy.file}:${referencedBy.line}`,
    hint: `define [${name}] or fix the name`,
  });
}

function circularReference(chain: string[], option: ConfigValue): ConfigError {
  return new ConfigError(`circular reference in substitutions: ${chain.join(' -> ')}`, {
    where: `${option.file}:${option.line}`,
    hint: 'one of these options has to get its value without referring back',
  });
}
