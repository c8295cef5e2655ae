import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { create as createTar } from "tar";
import { ArchiveError, StateError } from "../../shared/errors.ts";
import { agentLayout, backupDir, ensureLayout, releaseDir, type AgentLayout } from "./agent-layout.ts";
import { RELEASE_INFO_FILE, ReleaseStore, type ReleaseInfo } from "./release-store.ts";
import { NodeScript, stateModule } from "./test-support/node-script.ts";

const info = (number: number, built = true): ReleaseInfo => ({
  tag: `2026112${number}-0000000${number}`,
  version: `0.${number}`,
  created: `2026-11-2${number}T10:00:00.000Z`,
  eggs: [{ name: "acme.site", version: `1.${number}`, develop: true, sha256: "a".repeat(64), size: 10, filename: `acme.site-1.${number}.egg` }],
  built,
});

describe("ReleaseStore", () => {
  let work: string;
  let layout: AgentLayout;
  let store: ReleaseStore;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "hostout-releases-"));
    layout = agentLayout(join(work, "srv"));
    ensureLayout(layout);
    store = new ReleaseStore(layout);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** A release directory with its description, as stage + build leave it. */
  function addRelease(release: ReleaseInfo): void {
    mkdirSync(releaseDir(layout, release.tag));
    store.writeReleaseInfo(release);
  }

  async function archiveOf(files: Record<string, string>): Promise<string> {
    const source = mkdtempSync(join(work, "source-"));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(source, path, ".."), { recursive: true });
      writeFileSync(join(source, path), content);
    }
    const archive = join(work, `${readdirSync(work).length}.tar.gz`);
    await createTar({ gzip: true, file: archive, cwd: source, portable: true }, Object.keys(files));
    return archive;
  }

  /** bounds no test archive here comes near */
  const roomy = { entries: 100, unpackedBytes: 1024 * 1024 };

  describe("stageRelease", () => {
    test("unpacks the buildout and links the shared dirs into it", async () => {
      const archive = await archiveOf({ "prod.cfg": "[buildout]\n", "templates/zope.conf": "x" });
      const dir = await store.stageRelease("20261125-3f2a9c1d", archive, ["var", "eggs"], roomy);
      assert.equal(dir, releaseDir(layout, "20261125-3f2a9c1d"));
      assert.equal(readFileSync(join(dir, "prod.cfg"), "utf8"), "[buildout]\n");
      assert.equal(readFileSync(join(dir, "templates/zope.conf"), "utf8"), "x");
      for (const name of ["var", "eggs", "dist"]) {
        assert.equal(readlinkSync(join(dir, name)), `../../shared/${name}`);
        assert.equal(realpathSync(join(dir, name)), realpathSync(join(layout.sharedDir, name)));
      }
      assert.deepEqual(readdirSync(layout.releasesDir), ["20261125-3f2a9c1d"], "no staging dir left behind");
    });

    test("refuses an archive that brings its own copy of a shared dir", async () => {
      const archive = await archiveOf({ "prod.cfg": "", "var/Data.fs": "old data" });
      await assert.rejects(store.stageRelease("t1", archive, ["var"], roomy), (error: ArchiveError) => {
        return error instanceof ArchiveError && /"var\/Data\.fs": it uses the name "var"/.test(error.message);
      });
      assert.deepEqual(readdirSync(layout.releasesDir), []);
    });

    test("refuses archive symlinks into the shared dirs or over the files the agent writes, leaving shared/ untouched", async () => {
      writeFileSync(join(layout.sharedVarDir, "acme.db"), "live data");
      const attacks: Array<[Record<string, string>, RegExp]> = [
        [{ ".hostout-manifest.json": "var/acme.db" }, /"\.hostout-manifest\.json": it uses the name/],
        [{ "notes.txt": "var/acme.db" }, /"notes\.txt": it is a symlink to "var\/acme\.db", which passes through "var"/],
        [{ ".installed.cfg": "dist/planted.egg" }, /passes through "dist"/],
        [{ "sneaky": "var/../shared-escape" }, /passes through "var"/],
      ];
      for (const [links, expected] of attacks) {
        const source = mkdtempSync(join(work, "links-"));
        writeFileSync(join(source, "prod.cfg"), "[buildout]\n");
        for (const [name, target] of Object.entries(links)) symlinkSync(target, join(source, name));
        const archive = join(work, `${readdirSync(work).length}.tar.gz`);
        await createTar({ gzip: true, file: archive, cwd: source, portable: true }, ["prod.cfg", ...Object.keys(links)]);
        await assert.rejects(store.stageRelease("t1", archive, ["var"], roomy), (error: Error) => error instanceof ArchiveError && expected.test(error.message));
      }
      assert.equal(readFileSync(join(layout.sharedVarDir, "acme.db"), "utf8"), "live data");
      assert.deepEqual(readdirSync(layout.sharedDistDir), []);
      assert.deepEqual(readdirSync(layout.releasesDir), []);
    });

    test("refuses an archive with more entries or bytes than its bounds, before writing anything", async () => {
      const archive = await archiveOf({ "prod.cfg": "x".repeat(2000), "b.cfg": "y" });
      await assert.rejects(store.stageRelease("t1", archive, [], { entries: 1, unpackedBytes: 1024 * 1024 }), /more than 1 entries/);
      await assert.rejects(store.stageRelease("t1", archive, [], { entries: 100, unpackedBytes: 1000 }), /entries hold more than 1000 bytes/);
      assert.deepEqual(readdirSync(layout.releasesDir), []);
    });

    test("leaves nothing behind when the archive cannot be unpacked", async () => {
      const archive = join(work, "broken.tar.gz");
      writeFileSync(archive, "not a tar");
      await assert.rejects(store.stageRelease("t1", archive, [], roomy), ArchiveError);
      assert.deepEqual(readdirSync(layout.releasesDir), []);
    });

    test("refuses a tag that is already there, and replaces a staging dir a crash left", async () => {
      const archive = await archiveOf({ "prod.cfg": "" });
      mkdirSync(join(layout.releasesDir, ".t1.staging/half"), { recursive: true });
      await store.stageRelease("t1", archive, [], roomy);
      assert.equal(existsSync(join(releaseDir(layout, "t1"), "half")), false);
      await assert.rejects(store.stageRelease("t1", archive, [], roomy), /release t1 already exists/);
    });
  });

  test("lists described releases by version, finds them by tag or version", () => {
    for (const n of [5, 1, 2]) addRelease(info(n));
    mkdirSync(join(layout.releasesDir, "undescribed"));
    mkdirSync(join(layout.releasesDir, ".t9.staging"));
    assert.deepEqual(store.list(), [info(1), info(2), info(5)]);
    assert.deepEqual(store.findRelease("0.2"), info(2));
    assert.deepEqual(store.findRelease(info(1).tag), info(1));
    assert.equal(store.findRelease("0.3"), undefined);
    assert.equal(store.findRelease("nope"), undefined);
  });

  test("a release described with a whole number (before versions) keeps it as its version, listed before dotted ones", () => {
    addRelease(info(1));
    const legacyTag = "20261120-0000000a";
    mkdirSync(releaseDir(layout, legacyTag));
    writeFileSync(join(releaseDir(layout, legacyTag), RELEASE_INFO_FILE), JSON.stringify({ tag: legacyTag, number: 3, created: "2026-11-20T10:00:00.000Z", eggs: [], built: true }));
    assert.deepEqual(store.list().map((r) => r.version), ["3", "0.1"]);
    const legacy = store.findRelease("3")!;
    assert.equal(legacy.tag, legacyTag);
    assert.equal("number" in legacy, false);
    store.writeReleaseInfo({ ...legacy, deployed: "2026-12-01T10:00:00.000Z" });
    assert.equal(store.findRelease(legacyTag)?.version, "3", "rewritten, it stays version 3");
  });

  test("switches current to a built release and says which one it replaced", () => {
    addRelease(info(1));
    addRelease(info(2));
    assert.equal(store.currentRelease(), undefined);
    assert.equal(store.switchCurrent(info(1).tag), undefined);
    assert.equal(store.switchCurrent(info(2).tag), info(1).tag);
    assert.equal(store.currentRelease(), info(2).tag);
    assert.equal(readlinkSync(layout.currentLink), `releases/${info(2).tag}`);
    assert.equal(readdirSync(layout.root).filter((name) => name.startsWith("current.tmp-")).length, 0);
  });

  test("never points current at a release that is not built or not there", () => {
    addRelease(info(1, false));
    assert.throws(() => store.switchCurrent(info(1).tag), /is not built/);
    assert.throws(() => store.switchCurrent("20990101-deadbeef"), /is not there/);
    assert.throws(() => store.switchCurrent("../x"), StateError);
    assert.equal(existsSync(layout.currentLink), false);
  });

  test("current always resolves to a complete release while another process switches it 200 times", async () => {
    const releases = [info(1), info(2), info(3)];
    for (const release of releases) {
      addRelease(release);
      writeFileSync(join(releaseDir(layout, release.tag), "prod.cfg"), release.tag);
    }
    store.switchCurrent(releases[0]!.tag);
    const done = join(work, "switched");
    const switcher = new NodeScript(`
      import { writeFileSync } from "node:fs";
      import { agentLayout } from ${stateModule("agent-layout.ts")};
      import { ReleaseStore } from ${stateModule("release-store.ts")};
      const store = new ReleaseStore(agentLayout(${JSON.stringify(layout.root)}));
      const tags = ${JSON.stringify(releases.map((release) => release.tag))};
      for (let i = 0; i < 200; i++) store.switchCurrent(tags[i % tags.length]);
      writeFileSync(${JSON.stringify(done)}, "");
    `);
    const seen = new Set<string>();
    let reads = 0;
    const deadline = Date.now() + 60_000;
    // Synchronous on purpose: as tight a loop as a reader can make, through the link every time.
    while (!existsSync(done) && Date.now() < deadline && switcher.child.exitCode === null) {
      const tag = readFileSync(join(layout.currentLink, "prod.cfg"), "utf8");
      const described = JSON.parse(readFileSync(join(layout.currentLink, RELEASE_INFO_FILE), "utf8")) as ReleaseInfo;
      assert.ok(described.built);
      seen.add(tag);
      reads++;
    }
    const result = await switcher.finished;
    assert.equal(result.exitCode, 0, result.stderr);
    assert.ok(existsSync(done), "the switcher finished its 200 switches");
    assert.ok(seen.size >= 2, `the reader saw the switches happen (${reads} reads, saw ${[...seen].join(", ")})`);
    assert.equal(store.currentRelease(), releases[199 % 3]!.tag);
  });

  describe("prune", () => {
    test("removes the oldest built releases beyond keep, with their backups, never current nor protected", () => {
      for (let n = 1; n <= 6; n++) {
        addRelease(info(n));
        mkdirSync(backupDir(layout, info(n).tag));
      }
      store.switchCurrent(info(3).tag); // rolled back to 3
      const result = store.prune(2, [info(2).tag]);
      assert.deepEqual(result.removed.sort(), [info(1).tag, info(4).tag]);
      assert.deepEqual(
        store.list().map((release) => release.version),
        ["0.2", "0.3", "0.5", "0.6"],
      );
      assert.deepEqual(readdirSync(layout.backupsDir).sort(), [2, 3, 5, 6].map((n) => info(n).tag));
      assert.equal(store.currentRelease(), info(3).tag);
    });

    test("clears what a crash left: staging dirs, unbuilt and undescribed releases, temp links, half-removed dirs", () => {
      addRelease(info(1));
      store.switchCurrent(info(1).tag);
      addRelease(info(2, false));
      mkdirSync(join(layout.releasesDir, ".20261129-00000009.staging/bin"), { recursive: true });
      mkdirSync(join(layout.releasesDir, "undescribed"));
      mkdirSync(join(layout.backupsDir, ".old.removing-123abc"));
      symlinkSync(`releases/${info(1).tag}`, join(layout.root, "current.tmp-123abc"));
      const result = store.prune(5, []);
      assert.deepEqual(result.removed, []);
      assert.deepEqual(result.cleanedUp.sort(), [
        "current.tmp-123abc",
        "releases/.20261129-00000009.staging",
        `releases/${info(2).tag}`,
        "releases/undescribed",
      ]);
      assert.deepEqual(readdirSync(layout.releasesDir), [info(1).tag]);
      assert.deepEqual(readdirSync(layout.backupsDir), []);
      assert.ok(lstatSync(layout.currentLink).isSymbolicLink());
    });

    test("refuses to keep fewer than one release", () => {
      assert.throws(() => store.prune(0, []), StateError);
    });
  });

  test("removeRelease refuses the current release", () => {
    addRelease(info(1));
    store.switchCurrent(info(1).tag);
    assert.throws(() => store.removeRelease(info(1).tag), /is current/);
    assert.ok(existsSync(releaseDir(layout, info(1).tag)));
  });
});
