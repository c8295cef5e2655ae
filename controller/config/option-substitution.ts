/**
 * `${section:option}` references in one value (Options._sub). Buildout 2.13 keeps `$$`
 * as it is, but nothing across a `$$` is a reference: that is how `$${x}` escapes one.
 */
import { ConfigError } from '../../shared/errors.ts';

/** Returns the referenced option's substituted value, or undefined when it has none. */
export type LookupOption = (section: string, option: string) => string | undefined;

const REFERENCE = /(\$\{[^}]*\})/;
const VALID_REFERENCE = /^\$\{[-a-zA-Z0-9 ._]*:[-a-zA-Z0-9 ._]+\}$/;
const VALID_NAME = /^[-a-zA-Z0-9 ._]+$/;
// Buildout answers this option with the name of the section doing the referencing.
const SECTION_NAME_OPTION = '_buildout_section_name_';

/** `where` is the file:line of the option whose value this is, for errors. */
export function substituteReferences(value: string, section: string, lookup: LookupOption, where: string): string {
  return value
    .split('$$')
    .map((piece) => substitutePiece(piece, section, lookup, where))
    .join('$$');
}

function substitutePiece(piece: string, section: string, lookup: LookupOption, where: string): string {
  // Splitting on a capturing pattern leaves the references at the odd indexes.
  return piece
    .split(REFERENCE)
    .map((part, index) => (index % 2 === 0 ? part : referencedValue(part, section, lookup, where)))
    .join('');
}

function referencedValue(reference: string, section: string, lookup: LookupOption, where: string): string {
  const [refSection = '', refOption = ''] = checkedReference(reference, where);
  const targetSection = refSection || section;
  const value = lookup(targetSection, refOption);
  if (value !== undefined) return value;
  if (refOption === SECTION_NAME_OPTION) return section;
  throw new ConfigError(`${reference} refers to an option that does not exist: ${targetSection}:${refOption}`, {
    where,
    hint: `define ${refOption} in [${targetSection}] or fix the reference; write $\${ for a literal \${`,
  });
}

function checkedReference(reference: string, where: string): string[] {
  const parts = reference.slice(2, -1).split(':');
  if (VALID_REFERENCE.test(reference)) return parts;
  const problem =
    parts.length < 2 ? "doesn't contain a colon"
    : parts.length > 2 ? 'has too many colons'
    : !VALID_NAME.test(parts[0] ?? '') ? 'has invalid characters in its section name'
    : 'has invalid characters in its option name';
  throw new ConfigError(`the substitution ${reference} ${problem}`, {
    where,
    hint: 'write ${section:option} or ${:option}; names use letters, digits, spaces, -, . and _',
  });
}
