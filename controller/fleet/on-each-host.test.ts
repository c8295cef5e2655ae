import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onEachHost } from './on-each-host.ts';

const hosts = Array.from({ length: 7 }, (_, i) => ({ host: `10.0.0.${i + 1}`, agentPort: 7611, sshPort: 22 }));

test('every host gets an outcome in order, failures included, with at most `parallel` at work', async () => {
  let running = 0;
  let most = 0;
  const counted: string[] = [];
  const outcomes = await onEachHost(
    hosts,
    3,
    async (h) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setImmediate(r));
      running--;
      if (h.host.endsWith('.4')) throw new Error('down');
      return h.host;
    },
    (done, total) => counted.push(`${done}/${total}`),
  );
  assert.equal(most, 3);
  assert.deepEqual(outcomes.map((o) => (o.ok ? o.value : `failed: ${o.error.message}`)), ['10.0.0.1', '10.0.0.2', '10.0.0.3', 'failed: down', '10.0.0.5', '10.0.0.6', '10.0.0.7']);
  assert.deepEqual(outcomes.map((o) => o.label)[0], '10.0.0.1:7611');
  assert.equal(counted.at(-1), '7/7');
});
