import type { DeployEvent } from './deploy-event.ts';

/** One calm line per phase for people; buildout and service output only when asked. */
export function formatDeployEvent(event: DeployEvent, verbose = false): string | undefined {
  if (event.state === 'output') return verbose ? `    ${event.message}` : undefined;
  if (event.state === 'started') return `${capitalize(event.phase)}: ${event.message}...`;
  if (event.state === 'done') return `${capitalize(event.phase)}: ${event.message}`;
  if (event.state === 'failed') return `${capitalize(event.phase)} FAILED: ${event.message}`;
  return `${event.message}`;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
