/**
 * What `ctl logs` asks the agent for: a deploy's stored phase output (by default the
 * latest deploy's), the deploy under way followed live until it ends, or the last
 * lines of the agent's own log. Text goes out in chunks of whole lines, small enough
 * for any message size cap.
 */
import { StateError, UsageError } from '../../shared/errors.ts';
import type { Agent } from '../agent.ts';
import { NotFoundError } from '../deploy/rollback-release.ts';
import { DEPLOY_PHASES, readJournalTail, type DeployPhase } from '../state/journal.ts';
import { checkReleaseTag } from '../state/agent-layout.ts';
import { readAgentLog } from './agent-log.ts';
import type { OutputLine } from './deploy-output-store.ts';

export const LOG_CHUNK_BYTES = 16 * 1024;
export const AGENT_LOG_DEFAULT_LINES = 200;
/** `ctl logs --agent -n` reads at most this many lines: the log file holds about as many */
export const AGENT_LOG_MAX_LINES = 100_000;

export interface LogsRequest {
  tag: string;
  phase: string;
  follow: boolean;
  agent: boolean;
  lines: number;
}

export interface LogChunk {
  tag: string;
  phase: string;
  text: string;
}

export async function sendLogs(agent: Agent, request: LogsRequest, send: (chunk: LogChunk) => void, cancelled?: AbortSignal): Promise<void> {
  if (request.agent) return sendAgentLog(agent, request.lines, send);
  const store = agent.deployOutput;
  const phase = request.phase ? checkPhase(request.phase) : undefined;
  const running = store.runningTag();
  const tag = request.tag ? tagOf(agent, request.tag) : ((request.follow ? running : undefined) ?? store.latestTag());
  if (!tag) throw new NotFoundError('no deploy output is stored on this host yet', { hint: 'deploy first; `ctl logs --agent` shows the agent\'s own log' });
  const following = request.follow && running === tag;

  // What is stored and the live lines after it, taken in one synchronous step:
  // no line can be written in between, so none is lost or sent twice.
  const phases = phase ? [phase] : store.phasesOf(tag);
  const stored = phases.map((p) => ({ phase: p, text: store.read(tag, p) })).filter((s) => s.text !== '');
  if (stored.length === 0 && !following) {
    const kept = store.phasesOf(tag);
    throw new NotFoundError(phase ? `no output of phase ${phase} is stored for ${tag}` : `no deploy output is stored for ${tag}`, {
      hint: kept.length ? `phases with output for ${tag}: ${kept.join(', ')}` : 'the output of releases that are gone is pruned with them; `ctl status` lists the kept releases',
    });
  }
  const ended = following ? followUntilEnd(agent, tag, phase, send, cancelled) : Promise.resolve();
  for (const s of stored) sendText(tag, s.phase, s.text, send);
  await ended;
}

function followUntilEnd(agent: Agent, tag: string, phase: DeployPhase | undefined, send: (chunk: LogChunk) => void, cancelled?: AbortSignal): Promise<void> {
  const live = agent.deployOutput.live;
  return new Promise((resolve) => {
    const onLine = (line: OutputLine) => {
      if (line.tag === tag && (!phase || line.phase === phase)) sendText(tag, line.phase, `${line.text}\n`, send);
    };
    const onEnd = (ended: string) => {
      if (ended === tag) stop();
    };
    const stop = () => {
      live.off('line', onLine);
      live.off('end', onEnd);
      cancelled?.removeEventListener('abort', stop);
      resolve();
    };
    live.on('line', onLine);
    live.on('end', onEnd);
    cancelled?.addEventListener('abort', stop);
  });
}

function sendAgentLog(agent: Agent, lines: number, send: (chunk: LogChunk) => void): void {
  if (lines > AGENT_LOG_MAX_LINES) throw new UsageError(`at most ${AGENT_LOG_MAX_LINES} lines of the agent's log can be asked for`);
  const entries = readAgentLog(agent.layout.logsDir, lines || AGENT_LOG_DEFAULT_LINES);
  if (entries.length === 0) {
    throw new StateError('the agent has written no log file yet', { where: agent.layout.logsDir, hint: 'an agent older than this version logs only to stderr: `journalctl -u SERVICE` on the host (`ctl status` names the service)' });
  }
  sendText('', '', entries.map((e) => `${JSON.stringify(e)}\n`).join(''), send);
}

/** Whole lines per chunk; a single line longer than a chunk is cut. */
function sendText(tag: string, phase: string, text: string, send: (chunk: LogChunk) => void): void {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + LOG_CHUNK_BYTES / 4); // characters, so that even 4-byte UTF-8 fits the byte limit
    if (end < text.length) {
      const newline = text.lastIndexOf('\n', end - 1);
      if (newline >= start) end = newline + 1;
    }
    send({ tag, phase, text: text.slice(start, end) });
    start = end;
  }
}

/** A release tag, or a deployment version (0.3) as `rollback --to` takes it: the tag of the release that has it. */
function tagOf(agent: Agent, tagOrVersion: string): string {
  if (!/^\d+(\.\d+)*$/.test(tagOrVersion)) return checkReleaseTag(tagOrVersion);
  const release = agent.releases.list().find((r) => r.version === tagOrVersion);
  if (release) return release.tag;
  // a release pruned since keeps its output a while: the journal still knows its version
  const deployed = readJournalTail(agent.layout.journalFile, 5000).filter((e) => e.version === tagOrVersion).at(-1);
  if (deployed) return deployed.tag;
  throw new NotFoundError(`no deploy of version ${tagOrVersion} on this host`, { hint: `versions kept: ${agent.releases.list().map((r) => r.version).join(', ') || 'none'}` });
}

function checkPhase(phase: string): DeployPhase {
  if (!(DEPLOY_PHASES as readonly string[]).includes(phase)) throw new UsageError(`no phase "${phase}"`, { hint: `phases: ${DEPLOY_PHASES.join(', ')}` });
  return phase as DeployPhase;
}
