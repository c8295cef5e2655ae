/** The TCP port an agent listens on unless told otherwise: `hostout-agent init`, the target's agent-port, `ctl pin`. */
export const DEFAULT_AGENT_PORT = 7611;
