/**
 * `ctl exec -i`: the command's input is ctl's, and when ctl runs on a terminal the command
 * gets one of the same size on the host (as `ssh -t`): the terminal is put in raw mode, so
 * every key, Ctrl-C included, reaches the remote command, and restored when it ends.
 */
import type { AgentConnection } from '../agent-client/agent-client.ts';
import type { ExecChunk } from './operator-commands.ts';

interface ExecInput {
  argv?: string[];
  timeoutSeconds?: number;
  tty?: boolean;
  rows?: number;
  cols?: number;
  stdin?: Buffer;
  stdinEnd?: boolean;
}

export async function runInteractive(connection: AgentConnection, request: { argv: string[]; timeoutSeconds: number }): Promise<ExecChunk | undefined> {
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const first: ExecInput = { ...request, tty, rows: process.stdout.rows ?? 0, cols: process.stdout.columns ?? 0 };
  if (tty) process.stdin.setRawMode(true);
  const input = stdinMessages();
  try {
    let exit: ExecChunk | undefined;
    for await (const chunk of connection.duplex<ExecInput, ExecChunk>('ExecInteractive', first, input.messages)) {
      if (chunk.stdout?.length) process.stdout.write(chunk.stdout);
      if (chunk.stderr?.length) process.stderr.write(chunk.stderr);
      if (chunk.exited) exit = chunk;
    }
    return exit;
  } finally {
    input.stop();
    if (tty) process.stdin.setRawMode(false);
  }
}

/** ctl's stdin as messages: each chunk as it is read, then its end. */
function stdinMessages(): { messages: AsyncIterable<ExecInput>; stop(): void } {
  const queue: ExecInput[] = [];
  let wake: (() => void) | undefined;
  let over = false;
  const push = (message: ExecInput) => {
    queue.push(message);
    wake?.();
  };
  const onData = (data: Buffer) => push({ stdin: data });
  const onEnd = () => push({ stdinEnd: true });
  process.stdin.on('data', onData);
  process.stdin.once('end', onEnd);
  return {
    messages: {
      async *[Symbol.asyncIterator]() {
        while (!over) {
          const next = queue.shift();
          if (next) {
            yield next;
            if (next.stdinEnd) return;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
    },
    stop() {
      over = true;
      wake?.();
      process.stdin.off('data', onData);
      process.stdin.off('end', onEnd);
      process.stdin.pause();
    },
  };
}
