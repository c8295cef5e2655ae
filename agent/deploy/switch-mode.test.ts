import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseSwitchMode } from "./switch-mode.ts";
import type { ServiceSettings } from "../services/service-control.ts";

const instances = [
  { script: "bin/instance1", healthUrl: "http://127.0.0.1:8081/ok", server: "instance1" },
  { script: "bin/instance2", healthUrl: "http://127.0.0.1:8082/ok", server: "instance2" },
];
const zeo: ServiceSettings = { kind: "command", start: "bin/zeoserver start", stop: "bin/zeoserver stop", names: [], instances };

test("a release with the same instances and services rolls", () => {
  assert.deepEqual(chooseSwitchMode({ running: zeo, incoming: { ...zeo, stopTimeoutSeconds: 30 } }), { rolling: true });
});

test("a changed health URL still rolls: the new release's own URL is checked", () => {
  const moved = { ...zeo, instances: [instances[0]!, { ...instances[1]!, healthUrl: "http://127.0.0.1:9082/ok" }] };
  assert.deepEqual(chooseSwitchMode({ running: zeo, incoming: moved }), { rolling: true });
});

test("without instances there is nothing to roll and nothing to explain", () => {
  assert.deepEqual(chooseSwitchMode({ running: zeo, incoming: { kind: "command", start: "x", stop: "y", names: [] } }), { rolling: false });
});

test("each reason for a full stop is said", () => {
  const why = (situation: Parameters<typeof chooseSwitchMode>[0]) => {
    const mode = chooseSwitchMode(situation);
    assert.equal(mode.rolling, false);
    return (mode as { why: string }).why;
  };
  assert.match(why({ running: undefined, incoming: zeo }), /no release is running/);
  assert.match(why({ running: zeo, incoming: zeo, migrate: true }), /migrate is set, and a migration needs every instance down/);
  assert.match(why({ running: zeo, incoming: zeo, withDb: true }), /database is restored/);
  assert.match(why({ running: zeo, incoming: zeo, skipStop: true }), /--skip-stop/);
  assert.match(why({ running: zeo, incoming: { ...zeo, instances: [...instances, { script: "bin/instance3", healthUrl: "http://127.0.0.1:8083/ok", server: "instance3" }] } }), /the instances change \(bin\/instance1 as instance1, bin\/instance2 as instance2 → .*bin\/instance3 as instance3\)/);
  assert.match(why({ running: { ...zeo, instances: undefined }, incoming: zeo }), /the instances change \(none → /);
  assert.match(why({ running: zeo, incoming: { ...zeo, start: "bin/zeoserver start && bin/worker start" } }), /services besides the instances change/);
});
