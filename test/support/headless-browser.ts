import { runCommand } from './ctl.ts';

// Nothing the page could ask for may leave the machine: every host name resolves nowhere.
const OFFLINE = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--host-resolver-rules=MAP * ~NOTFOUND', '--hide-scrollbars'];

/**
 * Debian's headless Chromium opens a local HTML file: the DOM after it rendered,
 * and a PNG screenshot of the window.
 */
export async function renderInChromium(file: string, options: { screenshot: string; width: number; height: number }): Promise<{ dom: string }> {
  const url = `file://${file}`;
  const dump = await runCommand('chromium', [...OFFLINE, '--dump-dom', url], { timeoutMs: 120_000 });
  if (dump.code !== 0 || !dump.stdout.includes('</html>')) throw new Error(`chromium --dump-dom ${url} exited ${dump.code}:\n${dump.stderr}`);
  const shot = await runCommand('chromium', [...OFFLINE, `--screenshot=${options.screenshot}`, `--window-size=${options.width},${options.height}`, url], { timeoutMs: 120_000 });
  if (shot.code !== 0) throw new Error(`chromium --screenshot ${url} exited ${shot.code}:\n${shot.stderr}`);
  return { dom: dump.stdout };
}
