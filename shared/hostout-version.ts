/** Hostout's version, shown by `--version` on both programs and by `ctl status`; kept in step with package.json by a test. */
export const HOSTOUT_VERSION = '0.1.0';
