import { InvalidArgumentError } from 'commander';

/** Commander parser for options such as `-n 20`: a whole number of at least 1, or a usage error. */
export function positiveWholeNumber(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`expected a whole number of at least 1, got "${text}"`);
  }
  return value;
}
