/** "1 file", "3 files", "1 attempt": a count with its noun, singular or plural. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
