/**
 * The one place that turns an error of the operating system (a Node errno error: EACCES,
 * ENOSPC, EADDRINUSE...) into a typed error people can act on: what could not be done, on
 * which path or address, what to do, and an exit code from sysexits.h. Both programs' last
 * resort (report-failure.ts) and the agent's RPC layer pass unknown errors through here,
 * so no system error reaches a person as a stack trace or "internal error".
 */
import { dirname } from 'node:path';
import { HostoutError } from './errors.ts';

/** sysexits.h: scripts around ctl and hostout-agent can tell these apart from a plain failure (1). */
export const EXIT = {
  failure: 1,
  unavailable: 69, // EX_UNAVAILABLE: a service or address cannot be used
  software: 70, // EX_SOFTWARE: a bug
  osError: 71, // EX_OSERR: the system is out of a resource (processes, open files)
  cannotCreate: 73, // EX_CANTCREAT: a file or directory cannot be created there
  ioError: 74, // EX_IOERR: the disk is full or failing
  protocol: 76, // EX_PROTOCOL: the other side does not speak our protocol
  noPermission: 77, // EX_NOPERM
} as const;

/** An operation the operating system refused; `code` is the errno name. */
export class SystemError extends HostoutError {
  readonly code: string;
  constructor(message: string, code: string, details: { where?: string; hint?: string; cause?: unknown; exitCode: number }) {
    super(message, details);
    this.code = code;
  }
}

interface ErrnoLike {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
  address?: string;
  port?: number;
  message?: string;
}

interface Explanation {
  reason: string;
  hint: (place: string, syscall: string | undefined) => string;
  exitCode: number;
}

const EXPLANATIONS: Record<string, Explanation> = {
  EACCES: {
    reason: 'permission denied',
    hint: (place, syscall) =>
      syscall === 'listen' || syscall === 'bind'
        ? 'ports below 1024 need root or CAP_NET_BIND_SERVICE: give the agent a port above 1024 (hostout-agent init --path PATH --listen HOST:PORT, and agent-port in the target)'
        : `the user running this (uid ${process.getuid?.()}) may not write there: check the owner and mode of ${parentOf(place)} (ls -ld), run as its owner, or choose another path`,
    exitCode: EXIT.noPermission,
  },
  EPERM: {
    reason: 'operation not permitted',
    hint: (place) => `check the owner, mode and attributes of ${place} and its directory (ls -ld, lsattr: an immutable file cannot be replaced; chattr -i removes that), or run as its owner`,
    exitCode: EXIT.noPermission,
  },
  EROFS: { reason: 'the file system is read-only', hint: () => 'choose a path on a writable file system, or remount it read-write', exitCode: EXIT.cannotCreate },
  ENOTDIR: {
    reason: 'a part of the path is a file, not a directory',
    hint: (place) => `some parent of ${place} is a regular file: choose a path whose parents are all directories, or move that file away`,
    exitCode: EXIT.cannotCreate,
  },
  EISDIR: { reason: 'it is a directory', hint: (place) => `${place} must be a file: move the directory away or choose another name`, exitCode: EXIT.cannotCreate },
  ENOENT: {
    reason: 'no such file or directory',
    hint: (place) => `${parentOf(place)} is missing, or cannot hold new files and directories (as /proc and /sys cannot): choose a path on an ordinary disk`,
    exitCode: EXIT.cannotCreate,
  },
  ELOOP: { reason: 'too many symbolic links', hint: (place) => `a symbolic link in ${place} points in a circle: fix or remove it`, exitCode: EXIT.cannotCreate },
  ENAMETOOLONG: { reason: 'the name is too long', hint: () => 'choose a shorter path', exitCode: EXIT.cannotCreate },
  ENOSPC: {
    reason: 'no space left on the device',
    hint: (place) => `free space on the disk that holds ${place || 'it'} (df -h${place ? ` ${parentOf(place)}` : ''}); on a host, old releases and backups can go: lower keep-releases, or remove backups/<tag> you no longer need`,
    exitCode: EXIT.ioError,
  },
  EDQUOT: { reason: 'the disk quota is exhausted', hint: (place) => `free space in the quota of the user that owns ${place || 'it'} (quota -s), or raise the quota`, exitCode: EXIT.ioError },
  EIO: { reason: 'input/output error', hint: () => 'the disk may be failing: see the kernel log (dmesg)', exitCode: EXIT.ioError },
  EMFILE: { reason: 'too many open files', hint: () => 'raise the open files limit (ulimit -n, or LimitNOFILE= in the systemd unit)', exitCode: EXIT.osError },
  ENFILE: { reason: 'the system has too many open files', hint: () => 'raise fs.file-max, or find the process that holds so many', exitCode: EXIT.osError },
  EADDRINUSE: {
    reason: 'the address is already in use',
    hint: (place) => `another process listens on ${place} (\`ss -ltnp\` shows which): stop it, or give the agent another port (hostout-agent init --path PATH --listen HOST:PORT, and agent-port in the target)`,
    exitCode: EXIT.unavailable,
  },
  EADDRNOTAVAIL: {
    reason: 'the address is not one of this host\'s',
    hint: () => 'listen on an address this host has (ip addr), or 0.0.0.0 for all (hostout-agent init --path PATH --listen HOST:PORT)',
    exitCode: EXIT.unavailable,
  },
};

const ACTIONS: Record<string, string> = {
  mkdir: 'cannot create directory',
  open: 'cannot open',
  rename: 'cannot replace',
  link: 'cannot create',
  unlink: 'cannot remove',
  rmdir: 'cannot remove',
  write: 'cannot write',
  copyfile: 'cannot copy to',
  symlink: 'cannot create link',
  chmod: 'cannot change the mode of',
  scandir: 'cannot list',
  stat: 'cannot access',
  bind: 'cannot listen on',
  listen: 'cannot listen on',
};

/** The typed error for `error` when it is an errno error we can explain; undefined otherwise. */
export function explainSystemError(error: unknown): SystemError | undefined {
  if (error instanceof HostoutError || !isErrno(error)) return undefined;
  const explanation = EXPLANATIONS[error.code];
  if (!explanation) return undefined;
  const place = placeOf(error);
  const action = ACTIONS[error.syscall ?? ''] ?? (error.syscall ? `${error.syscall} failed for` : 'failed:');
  const message = place ? `${action} ${place}: ${explanation.reason} (${error.code})` : `${explanation.reason} (${error.code}, ${error.syscall ?? 'system call'})`;
  // the message names the place already, so no `where` to repeat it
  return new SystemError(message, error.code, { hint: explanation.hint(place, error.syscall), cause: error, exitCode: explanation.exitCode });
}

/** `error` itself when it is already typed, its explanation when it is a known system error, else `error` unchanged. */
export function typedError(error: unknown): unknown {
  return explainSystemError(error) ?? error;
}

function isErrno(error: unknown): error is ErrnoLike {
  return typeof error === 'object' && error !== null && typeof (error as ErrnoLike).code === 'string' && /^E[A-Z]+$/.test((error as ErrnoLike).code);
}

/** rename(temp, file) fails about the file being replaced, not the temp name. */
function placeOf(error: ErrnoLike): string {
  if (error.syscall === 'rename' || error.syscall === 'link' || error.syscall === 'copyfile') return error.dest ?? error.path ?? '';
  if (error.address !== undefined) return error.port !== undefined ? `${error.address}:${error.port}` : error.address;
  return error.path ?? '';
}

function parentOf(place: string): string {
  return place ? dirname(place) : 'the directory';
}
