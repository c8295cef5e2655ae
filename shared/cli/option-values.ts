import { InvalidArgumentError } from 'commander';

/** Commander parser for options such as `-n 20`: a whole number of at least 1, or a usage error. */
export function positiveWholeNumber(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`expected a whole number of at least 1, got "${text}"`);
  }
  return value;
}

/** Commander parser for a whole number of at least 1 and at most `max` (`what` names the unit for the error). */
export function wholeNumberUpTo(max: number, what: string): (text: string) => number {
  return (text) => {
    const value = positiveWholeNumber(text);
    if (value > max) throw new InvalidArgumentError(`at most ${max} ${what}, got ${text}`);
    return value;
  };
}
