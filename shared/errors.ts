/**
 * Errors people can act on: what failed, where (file:line, host, phase) and what to do.
 * Each kind of failure has its own subclass so callers can tell them apart;
 * the CLI prints `message`, `where` and `hint` and exits non-zero.
 */
export interface ErrorDetails {
  /** file:line, host, phase or package the failure is about */
  where?: string;
  /** the next step for the user */
  hint?: string;
  cause?: unknown;
  /** the kind of failure when it is not this class's name: an agent's error reaches ctl as its kind */
  kind?: string;
}

export class HostoutError extends Error {
  readonly where?: string;
  readonly hint?: string;
  /** which failure this is (the class name, or the agent's for its errors): picks the exit code */
  readonly kind: string;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.where = details.where;
    this.hint = details.hint;
    this.kind = details.kind ?? new.target.name;
  }

  /** The text shown to a person: "where: message" and the hint on its own line. */
  describe(): string {
    const head = this.where ? `${this.where}: ${this.message}` : this.message;
    return this.hint ? `${head}\n  hint: ${this.hint}` : head;
  }
}

/** A buildout file that cannot be read, parsed or resolved. */
export class ConfigError extends HostoutError {}

/** A deployment target whose options are missing or wrong. */
export class TargetError extends HostoutError {}

/** A develop egg that cannot be hashed, versioned or built. */
export class ReleaseError extends HostoutError {}

/** An archive that is malformed or tries to escape its directory. */
export class ArchiveError extends HostoutError {}

/** A request or manifest that fails authentication or verification. */
export class TrustError extends HostoutError {}

/** Agent state on a host (blobs, journal, releases) that is missing, inconsistent or refused. */
export class StateError extends HostoutError {}

/** The deploy lock is held by someone else. */
export class LockError extends HostoutError {}

/** The application's services could not be started, stopped or queried. */
export class ServiceError extends HostoutError {}

/** A database backup that could not be made, read or restored. */
export class BackupError extends HostoutError {}

/** A new host that cannot be reached, logged into or prepared over SSH. */
export class BootstrapError extends HostoutError {}

/** A command line that is wrong: an unknown option, a missing argument, a value out of range. */
export class UsageError extends HostoutError {}

/** The user interrupted the command (Ctrl-C). */
export class InterruptedError extends HostoutError {}
