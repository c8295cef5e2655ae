import assert from "node:assert/strict";
import { test } from "node:test";
import { FIRST_PAUSE_MS, LONGEST_PAUSE_MS, pauseAfterFailedProbe } from "./probe-pauses.ts";

test("the first pause is tens of milliseconds and each one grows", () => {
  assert.equal(pauseAfterFailedProbe(1, 30_000, 20), FIRST_PAUSE_MS);
  for (let n = 1; n < 12; n++) assert.ok(pauseAfterFailedProbe(n + 1, 30_000, 20) > pauseAfterFailedProbe(n, 30_000, 20), `pause ${n}`);
});

test("pauses stop growing at 1 s", () => {
  assert.equal(pauseAfterFailedProbe(100, 30_000, 20), LONGEST_PAUSE_MS);
  assert.equal(pauseAfterFailedProbe(400, 600_000, 1), LONGEST_PAUSE_MS);
});

test("at least health-retries probes fit in health-timeout: no pause is longer than timeout / retries", () => {
  assert.equal(pauseAfterFailedProbe(100, 2_000, 10), 200);
  let elapsed = 0;
  let probes = 1;
  while (elapsed + pauseAfterFailedProbe(probes, 2_000, 10) <= 2_000) elapsed += pauseAfterFailedProbe(probes++, 2_000, 10);
  assert.ok(probes >= 10, `${probes} probes`);
});
