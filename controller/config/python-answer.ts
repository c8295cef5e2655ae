import { execFileSync } from 'node:child_process';

const answers = new Map<string, string>();

/**
 * What `python -c code` prints, trimmed: a fact only the interpreter knows (its ABI tag, its
 * version). Asked once per process for each interpreter and question. Throws what running
 * it threw; callers say what the answer was needed for.
 */
export function askPython(python: string, code: string): string {
  const key = `${python}\0${code}`;
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = execFileSync(python, ['-c', code], { encoding: 'utf8' }).trim();
    answers.set(key, answer);
  }
  return answer;
}
