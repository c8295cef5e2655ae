import { TARGET_OPTIONS } from './target-options.ts';

/** The target option reference as a Markdown table: `ctl options` prints it, README embeds it. */
export function targetOptionsTable(): string {
  const rows = TARGET_OPTIONS.map((o) => {
    const byDefault = o.default === undefined ? '' : o.default === '' ? '(empty)' : `\`${o.default}\``;
    return `| \`${o.key}\` | ${byDefault} | ${o.description.replaceAll('|', '\\|')} |`;
  });
  return ['| option | default | meaning |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
}
