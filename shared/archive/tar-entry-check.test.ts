import assert from "node:assert/strict";
import { test } from "node:test";
import { ArchiveError } from "../errors.ts";
import { checkTarEntries, type TarEntryHeader } from "./tar-entry-check.ts";

const file = (path: string, mode = 0o644): TarEntryHeader => ({ path, type: "File", mode });
const dir = (path: string): TarEntryHeader => ({ path, type: "Directory", mode: 0o755 });
const symlink = (path: string, linkpath: string): TarEntryHeader => ({ path, type: "SymbolicLink", linkpath, mode: 0o777 });

function refusal(entries: TarEntryHeader[]): string {
  try {
    checkTarEntries(entries, "release.tar.gz");
  } catch (error) {
    assert.ok(error instanceof ArchiveError);
    assert.equal(error.where, "release.tar.gz");
    return error.message;
  }
  assert.fail("expected a refusal");
}

test("a plain archive gives its normalized paths in archive order, without the ./ root", () => {
  const paths = checkTarEntries([dir("./"), dir("./bin/"), file("./bin/run", 0o755), file("buildout.cfg")], "a.tgz");
  assert.deepEqual(paths, ["bin", "bin/run", "buildout.cfg"]);
});

test("symlinks that stay inside are accepted, including ones that climb and come back", () => {
  const entries = [dir("etc/"), file("etc/app.cfg"), symlink("app.cfg", "etc/app.cfg"), dir("lib/"), symlink("lib/cfg", "../etc/app.cfg"), symlink("here", ".")];
  assert.deepEqual(checkTarEntries(entries, "a.tgz"), ["etc", "etc/app.cfg", "app.cfg", "lib", "lib/cfg", "here"]);
});

test("each kind of dangerous entry is refused, naming the entry", () => {
  const cases: Array<[TarEntryHeader[], string]> = [
    [[file("/etc/cron.d/x")], '"/etc/cron.d/x": .*is absolute'],
    [[file("a/../../x")], '"a/../../x".*"\\.\\." component'],
    [[{ path: "h", type: "Link", linkpath: "/etc/passwd" }], '"h": it is a hard link'],
    [[{ path: "c", type: "CharacterDevice" }], '"c": it is a character device'],
    [[{ path: "b", type: "BlockDevice" }], '"b": it is a block device'],
    [[{ path: "p", type: "FIFO" }], '"p": it is a FIFO'],
    [[{ path: "v", type: "TapeVolumeHeader" }], '"v": it has the unsupported type TapeVolumeHeader'],
    [[file("su", 0o4755)], '"su": it is setuid or setgid'],
    [[file("sg", 0o2755)], '"sg": it is setuid or setgid'],
    [[file("a"), file("./a")], '"./a": it appears twice'],
    [[symlink("./", "x")], '"./": it would replace the extraction directory'],
    [[symlink("l", "/etc/passwd")], '"l": it is a symlink whose target "/etc/passwd" is absolute'],
    [[symlink("l", "")], '"l": it is a symlink without a target'],
    [[dir("a/"), symlink("a/l", "../../x")], '"a/l": it is a symlink to "../../x", which leads outside'],
    [[symlink("d", "."), symlink("s", "d/../x")], '"s": it is a symlink to "d/../x", which leads outside'],
    [[symlink("up", ".."), file("up/x")], '"up": it is a symlink to "..", which leads outside'],
    [[symlink("link", "sub"), dir("sub/"), file("link/x")], '"link/x": it lies under "link", a symlink'],
    [[file("link/x"), symlink("link", "sub")], '"link/x": it lies under "link", a symlink'],
    [[symlink("a", "b"), symlink("b", "a")], '"a": it is a symlink to "b", which loops'],
  ];
  for (const [entries, expected] of cases) assert.match(refusal(entries), new RegExp(`refusing archive entry ${expected}`));
});

test("reserved top-level names can be neither placed nor reached through a symlink", () => {
  const reserved = (entries: TarEntryHeader[]) => {
    try {
      checkTarEntries(entries, "a.tgz", { reservedNames: ["var", "dist", ".hostout-manifest.json"] });
    } catch (error) {
      return (error as Error).message;
    }
    return "accepted";
  };
  assert.match(reserved([dir("var/"), file("var/Data.fs")]), /"var\/": it uses the name "var"/);
  assert.match(reserved([symlink(".hostout-manifest.json", "etc/x")]), /uses the name "\.hostout-manifest\.json"/);
  assert.match(reserved([symlink("db", "var/acme.db")]), /"db": it is a symlink to "var\/acme\.db", which passes through "var"/);
  assert.match(reserved([dir("a/"), symlink("a/l", "../dist/x.egg")]), /passes through "dist"/);
  assert.match(reserved([symlink("up", "var/..")]), /passes through "var"/);
  assert.match(reserved([symlink("here", "."), symlink("l", "here/var")]), /"l": .*passes through "var"/);
  assert.equal(reserved([dir("etc/"), symlink("etc/var", "../etc"), file("variables.cfg")]), "accepted", "only the top-level name is reserved");
});
