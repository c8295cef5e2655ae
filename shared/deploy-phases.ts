/** The deploy phases, in the order a deploy goes through them (design.md, "Deploy phases"): the agent journals them, `ctl logs --phase` names them. */
export const DEPLOY_PHASES = ["verify", "stage", "build", "prebackup", "stop", "backup", "switch", "migrate", "start", "roll", "health", "commit", "prune", "rollback"] as const;
export type DeployPhase = (typeof DEPLOY_PHASES)[number];
