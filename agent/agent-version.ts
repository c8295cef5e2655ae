/** The agent's version, as `ctl status` shows it; kept in step with package.json by a test. */
export const AGENT_VERSION = '0.1.0';
