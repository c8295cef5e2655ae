/**
 * HAProxy's runtime API (the `stats socket … level admin` of haproxy.cfg), the part a rolling
 * switch needs: which servers a backend has and how many sessions each holds, taking one out
 * of rotation gently (`drain`: no new sessions, the current ones finish), and putting it back
 * (`ready`). One command per connection, as haproxy answers and closes in that mode.
 */
import { connect } from "node:net";
import { ServiceError } from "../../shared/errors.ts";

export class BalancerError extends ServiceError {}

export interface BalancedServer {
  backend: string;
  server: string;
  /** haproxy's status column: UP, DOWN, DRAIN, MAINT, "no check"… */
  status: string;
  /** sessions the server holds now */
  sessions: number;
}

export type ServerState = "ready" | "drain" | "maint";

/** How long one command may take: the runtime API answers in microseconds, a hang is a wrong socket. */
const COMMAND_TIMEOUT_MS = 5_000;

export class HaproxyRuntime {
  constructor(private readonly socketPath: string) {}

  /** The servers of `backend`; a BalancerError naming the backends haproxy has when it has no such one. */
  async servers(backend: string): Promise<BalancedServer[]> {
    const all = await this.stats();
    const servers = all.filter((s) => s.backend === backend && s.server !== "BACKEND" && s.server !== "FRONTEND");
    if (servers.length === 0) {
      const backends = [...new Set(all.filter((s) => s.server === "BACKEND").map((s) => s.backend))];
      throw new BalancerError(`HAProxy at ${this.socketPath} has no backend "${backend}"`, {
        where: this.socketPath,
        hint: `its backends: ${backends.join(", ") || "none"}; name one of them in the target's balancer option`,
      });
    }
    return servers;
  }

  /** The server `server` of `backend`; a BalancerError naming the servers the backend has when it has no such one. */
  async server(backend: string, server: string): Promise<BalancedServer> {
    const servers = await this.servers(backend);
    const found = servers.find((s) => s.server === server);
    if (!found) {
      throw new BalancerError(`HAProxy's backend "${backend}" has no server "${server}"`, {
        where: this.socketPath,
        hint: `its servers: ${servers.map((s) => s.server).join(", ")}; name the instance's server as haproxy.cfg does`,
      });
    }
    return found;
  }

  async setState(backend: string, server: string, state: ServerState): Promise<void> {
    const answer = (await this.command(`set server ${backend}/${server} state ${state}`)).trim();
    if (answer === "") return;
    throw new BalancerError(`HAProxy refused to set ${backend}/${server} to ${state}: ${answer.split("\n")[0]}`, {
      where: this.socketPath,
      hint: /permission denied/i.test(answer) ? `the stats socket needs "level admin" in haproxy.cfg (stats socket ${this.socketPath} level admin)` : "check the backend and server names",
    });
  }

  /**
   * Takes the server out of rotation and waits until it holds no session, polling every
   * `pollMs`, or until `timeoutMs` passes. Returns the sessions left (0 when drained).
   */
  async drain(backend: string, server: string, timeoutMs: number, pollMs = 50): Promise<{ sessionsLeft: number; waitedMs: number }> {
    await this.setState(backend, server, "drain");
    const started = Date.now();
    for (;;) {
      const { sessions } = await this.server(backend, server);
      const waitedMs = Date.now() - started;
      if (sessions === 0 || waitedMs >= timeoutMs) return { sessionsLeft: sessions, waitedMs };
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, timeoutMs - waitedMs)));
    }
  }

  /** `show stat`: one row per frontend, backend and server, as CSV with a `# pxname,svname,…` header. */
  private async stats(): Promise<BalancedServer[]> {
    const answer = await this.command("show stat");
    const [header, ...rows] = answer.split("\n").filter((line) => line.trim() !== "");
    if (!header?.startsWith("# pxname,svname,")) {
      throw new BalancerError(`${this.socketPath} is not HAProxy's runtime API: to "show stat" it answered ${JSON.stringify(answer.slice(0, 80))}`, {
        where: this.socketPath,
        hint: "name the socket of haproxy.cfg's `stats socket PATH level admin` line in the target's balancer option",
      });
    }
    const columns = header.slice(2).split(",");
    const at = (name: string) => columns.indexOf(name);
    return rows.map((row) => {
      const cells = row.split(",");
      return { backend: cells[at("pxname")] ?? "", server: cells[at("svname")] ?? "", status: cells[at("status")] ?? "", sessions: Number(cells[at("scur")] ?? 0) };
    });
  }

  private command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.socketPath);
      let answer = "";
      const fail = (why: string, hint: string) => {
        socket.destroy();
        reject(new BalancerError(`cannot reach HAProxy's runtime API at ${this.socketPath}: ${why}`, { where: this.socketPath, hint }));
      };
      socket.setTimeout(COMMAND_TIMEOUT_MS, () => fail(`no answer to "${line}" within ${COMMAND_TIMEOUT_MS / 1000} s`, "is something else listening there? the runtime API answers at once"));
      socket.on("connect", () => socket.end(`${line}\n`));
      socket.setEncoding("utf8").on("data", (text: string) => (answer += text));
      socket.on("end", () => resolve(answer));
      socket.on("error", (error: NodeJS.ErrnoException) =>
        fail(
          error.code === "ENOENT" ? "no such socket" : error.code === "ECONNREFUSED" ? "nothing listens there (is haproxy running?)" : error.message,
          `haproxy.cfg needs "stats socket ${this.socketPath} level admin" in its global section, and the agent's user must be able to open it`,
        ),
      );
    });
  }
}
