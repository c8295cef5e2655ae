/**
 * Every deploy's and rollback's phase output on disk, per release tag and phase:
 * agent/logs/deploys/<tag>/<phase>.log. Lines are appended as they come (nothing is
 * held in memory), each phase file stops growing at PHASE_LOG_MAX_BYTES, and the
 * output of releases that are gone is pruned with them. Lines written are also
 * announced to whoever follows the deploy under way (`ctl logs -f`).
 */
import { EventEmitter } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { checkReleaseTag } from '../state/agent-layout.ts';
import { DEPLOY_PHASES, type DeployPhase } from '../state/journal.ts';

/** A phase's log stops here: enough for any buildout run, bounded on a host that deploys for years. */
export const PHASE_LOG_MAX_BYTES = 2 * 1024 * 1024;

/** Output kept of releases that are no longer on the host (failed deploys, pruned releases): the newest few. */
export const GONE_RELEASE_LOGS_KEPT = 5;

const RUN_FILE = 'run.json';

/** One line of a running deploy's output, as `ctl logs -f` receives it. */
export interface OutputLine {
  tag: string;
  phase: DeployPhase;
  text: string;
}

interface RunRecord {
  tag: string;
  version: string;
  deployId: string;
  started: string;
}

export class DeployOutputStore {
  /** 'line' (OutputLine) and 'end' (tag) events of the deploy under way in this process */
  readonly live = new EventEmitter();
  private running?: string;

  constructor(readonly dir: string) {
    // one listener per follower; a few operators following at once is normal
    this.live.setMaxListeners(100);
  }

  /** Starts recording one deploy or rollback of `tag`: a later run of the same tag appends after the earlier one's. */
  begin(run: { tag: string; version: string; deployId: string }): PhaseOutputRecorder {
    const tagDir = join(this.dir, checkReleaseTag(run.tag));
    const record: RunRecord = { ...run, started: new Date().toISOString() };
    try {
      mkdirSync(tagDir, { recursive: true, mode: 0o700 });
      writeFileAtomic(join(tagDir, RUN_FILE), JSON.stringify(record) + '\n', { mode: 0o600 });
    } catch {
      // a deploy (or a recovery) must not fail over its log: the lines still reach the agent's log
    }
    this.running = run.tag;
    return new PhaseOutputRecorder(tagDir, run.tag, (line) => this.live.emit('line', line));
  }

  /** The deploy or rollback of `tag` has ended: followers stop. */
  end(tag: string): void {
    if (this.running === tag) this.running = undefined;
    this.live.emit('end', tag);
  }

  /** The tag whose deploy or rollback is under way in this agent, if any. */
  runningTag(): string | undefined {
    return this.running;
  }

  /** The tag of the deploy or rollback that began last, if any output is stored. */
  latestTag(): string | undefined {
    return this.runs().at(-1)?.tag;
  }

  /** The phases with stored output for `tag`, in the order a deploy goes through them. */
  phasesOf(tag: string): DeployPhase[] {
    const tagDir = join(this.dir, checkReleaseTag(tag));
    return DEPLOY_PHASES.filter((phase) => existsSync(join(tagDir, `${phase}.log`)));
  }

  /** The stored output of one phase ('' when there is none); bounded by PHASE_LOG_MAX_BYTES. */
  read(tag: string, phase: DeployPhase): string {
    const file = join(this.dir, checkReleaseTag(tag), `${phase}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** Removes the output of releases that are gone, but the newest few of them: a failed deploy's output stays readable. */
  prune(keptReleases: readonly string[]): string[] {
    const kept = new Set(keptReleases);
    const gone = this.runs().filter((run) => !kept.has(run.tag) && run.tag !== this.running);
    const removed = gone.slice(0, Math.max(0, gone.length - GONE_RELEASE_LOGS_KEPT)).map((run) => run.tag);
    for (const tag of removed) rmSync(join(this.dir, tag), { recursive: true, force: true });
    return removed;
  }

  /** The recorded runs, oldest first. */
  private runs(): RunRecord[] {
    if (!existsSync(this.dir)) return [];
    const runs: RunRecord[] = [];
    for (const name of readdirSync(this.dir)) {
      try {
        runs.push(JSON.parse(readFileSync(join(this.dir, name, RUN_FILE), 'utf8')) as RunRecord);
      } catch {
        // not a run's directory (or one being created): nothing to show from it
      }
    }
    return runs.sort((a, b) => a.started.localeCompare(b.started));
  }
}

/** Writes one run's output, line by line, into its tag's phase files. */
export class PhaseOutputRecorder {
  private readonly sizes = new Map<DeployPhase, number>();

  constructor(
    private readonly tagDir: string,
    private readonly tag: string,
    private readonly announce: (line: OutputLine) => void,
  ) {}

  /** A line of a phase's own output (buildout, services, health), as it came. */
  output(phase: DeployPhase, text: string): void {
    this.append(phase, text);
  }

  /** A phase starting, ending or failing: a marker line among the output. */
  marker(phase: DeployPhase, state: string, message: string): void {
    this.append(phase, `==> ${new Date().toISOString()} ${phase} ${state}: ${message.split('\n').join('\n    ')}`);
  }

  private append(phase: DeployPhase, text: string): void {
    const file = join(this.tagDir, `${phase}.log`);
    const size = this.sizes.get(phase) ?? fileSize(file);
    if (size >= PHASE_LOG_MAX_BYTES) return;
    let line = `${text}\n`;
    const bytes = Buffer.byteLength(line);
    if (size + bytes > PHASE_LOG_MAX_BYTES) line = `==> output cut here: this phase's log reached ${PHASE_LOG_MAX_BYTES} bytes; the agent's log (ctl logs --agent) has every line\n`;
    try {
      appendFileSync(file, line, { mode: 0o600 });
    } catch {
      // a full disk must not fail the deploy over its log; the agent's log still has the line
      return;
    }
    this.sizes.set(phase, size + (line === `${text}\n` ? bytes : PHASE_LOG_MAX_BYTES));
    this.announce({ tag: this.tag, phase, text: line.slice(0, -1) });
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
