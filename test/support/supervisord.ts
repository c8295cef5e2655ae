/**
 * A private supervisord for tests: config and unix socket in a directory of the test's
 * choosing, started in the foreground as our child (no system service), stopped at the end.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { waitFor } from "./processes.ts";

export interface SupervisorProgram {
  command: string;
  directory: string;
}

export interface PrivateSupervisord {
  configFile: string;
  stop(): Promise<void>;
}

export async function startSupervisord(dir: string, programs: Record<string, SupervisorProgram>): Promise<PrivateSupervisord> {
  const configFile = join(dir, "supervisord.conf");
  writeFileSync(configFile, supervisordConfig(dir, programs));
  const daemon = spawn("supervisord", ["-n", "-c", configFile], { stdio: "ignore" });
  const answers = () => spawnSync("supervisorctl", ["-c", configFile, "pid"], { encoding: "utf8" }).status === 0;
  try {
    await waitFor("supervisord to answer on its socket", () => daemon.exitCode === null && answers(), 10_000);
  } catch (error) {
    await stopChild(daemon);
    throw error;
  }
  return { configFile, stop: () => stopChild(daemon) };
}

function supervisordConfig(dir: string, programs: Record<string, SupervisorProgram>): string {
  const sections = Object.entries(programs).map(
    ([name, program]) =>
      `[program:${name}]\ncommand=${program.command}\ndirectory=${program.directory}\nautostart=false\nstartsecs=1\nstartretries=0\nstopwaitsecs=5\n`,
  );
  return [
    `[unix_http_server]\nfile=${join(dir, "supervisor.sock")}\n`,
    `[supervisord]\nlogfile=${join(dir, "supervisord.log")}\npidfile=${join(dir, "supervisord.pid")}\nchildlogdir=${dir}\n`,
    `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n`,
    `[supervisorctl]\nserverurl=unix://${join(dir, "supervisor.sock")}\n`,
    ...sections,
  ].join("\n");
}

/** SIGTERM (supervisord then stops its programs), SIGKILL if it is still there after 10 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
