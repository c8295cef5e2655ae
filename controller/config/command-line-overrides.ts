/**
 * Command-line assignments such as `buildout:parts=app` or `newest=false`,
 * read the way `buildout section:option=value` reads them.
 */
import { ConfigError } from '../../shared/errors.ts';
import { optionKeyAndOp } from './buildout-file.ts';
import { COMMAND_LINE_VALUE, definitionKey, type ConfigDefinitions } from './section-merge.ts';

interface Assignment { section: string; option: string; value: string }

export function parseCommandLineOverrides(assignments: string[]): ConfigDefinitions {
  // Buildout sorts the assignments before grouping them, so when one option is given
  // twice the greater value wins, not the later one.
  const sorted = assignments.map(parseAssignment).sort(compareAssignments);
  const sections: ConfigDefinitions = new Map();
  for (const { section, option, value } of sorted) {
    const options = sections.get(section) ?? new Map();
    sections.set(section, options);
    const { key, op } = optionKeyAndOp(option);
    options.set(definitionKey(key, op), { value, file: COMMAND_LINE_VALUE, line: 0 });
  }
  return sections;
}

function parseAssignment(text: string): Assignment {
  const equals = text.indexOf('=');
  const name = equals < 0 ? [] : text.slice(0, equals).split(':');
  if (name.length < 1 || name.length > 2) {
    throw new ConfigError(`invalid option override "${text}"`, {
      where: 'command line',
      hint: 'write overrides as section:option=value, or option=value for the buildout section',
    });
  }
  const [section, option] = name.length === 1 ? ['buildout', name[0]] : name;
  return { section: (section ?? '').trim(), option: (option ?? '').trim(), value: text.slice(equals + 1).trim() };
}

function compareAssignments(a: Assignment, b: Assignment): number {
  return compareText(a.section, b.section) || compareText(a.option, b.option) || compareText(a.value, b.value);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
