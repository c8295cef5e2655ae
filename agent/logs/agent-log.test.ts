import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_LOG_FILE, CappedLogFile, readAgentLog } from './agent-log.ts';

test('the agent log file rotates once at its cap, and the last lines are read across both files', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-agent-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = new CappedLogFile(join(dir, AGENT_LOG_FILE), 1000);
  for (let i = 1; i <= 60; i++) file.write(`${JSON.stringify({ level: 30, msg: `entry ${i}` })}\n`);
  assert.ok(statSync(join(dir, AGENT_LOG_FILE)).size <= 1000 + 40, 'the live file stays near the cap');
  assert.ok(statSync(join(dir, `${AGENT_LOG_FILE}.1`)).size <= 1000 + 40, 'one rotated file, replaced each time');
  const last = readAgentLog(dir, 30).map((e) => e.msg);
  assert.deepEqual(last, Array.from({ length: 30 }, (_, i) => `entry ${31 + i}`));
});

test('a log file that cannot be written costs the file, not the agent', () => {
  const file = new CappedLogFile('/nonexistent-dir/agent.log');
  assert.doesNotThrow(() => file.write('{"msg":"x"}\n'));
});
