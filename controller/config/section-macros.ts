/**
 * `<= base` section macros (Options._do_extend_raw): a section starts from the raw,
 * unsubstituted options of the sections it names, one per line, and layers its own on top.
 */
import { ConfigError } from '../../shared/errors.ts';
import { layerSection, type ConfigDefinitions, type SectionDefinitions } from './section-merge.ts';

export function expandMacros(
  name: string,
  own: SectionDefinitions,
  definitions: ConfigDefinitions,
  expanding: string[] = [],
): SectionDefinitions {
  // The buildout section is never expanded, not even when another section names it.
  const macro = own.get('<');
  if (name === 'buildout' || !macro) return own;
  const where = `${macro.file}:${macro.line}`;
  if (expanding.includes(name)) {
    throw new ConfigError(`infinite extending loop: ${[...expanding, name].join(' <= ')}`, {
      where,
      hint: 'a section cannot be built, directly or not, from itself',
    });
  }

  const base: SectionDefinitions = new Map();
  for (const baseName of macro.value.split('\n').map((line) => line.trim()).filter(Boolean)) {
    const baseSection = definitions.get(baseName);
    if (!baseSection) {
      throw new ConfigError(`no section named [${baseName}] to build [${name}] from`, {
        where,
        hint: 'name one existing section per line after `<=`',
      });
    }
    const expanded = expandMacros(baseName, baseSection, definitions, [...expanding, name]);
    for (const [key, option] of expanded) base.set(key, option);
  }
  const result = layerSection(base, own);
  result.delete('<');
  return result;
}
