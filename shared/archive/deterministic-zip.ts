/**
 * A zip whose bytes depend only on the directory's content: sorted entries (with the directories
 * the files imply), one fixed timestamp, modes 0644/0755, deflate at a fixed level. Used to turn
 * an unzipped installed egg (foo-1.0-py3.11.egg/ with EGG-INFO/) back into the zipped .egg buildout installs.
 */
import { PassThrough } from "node:stream";
import { ZipFile } from "yazl";
import { ArchiveError } from "../errors.ts";
import { planArchiveLayout } from "./archive-layout.ts";
import { writeStreamAtomic, type FileDigest } from "../fs/atomic-write.ts";
import { inspectLayout, listDirectoryFiles, openSourceFile } from "./source-file.ts";

const ZIP_LEVEL = 9;
const FILE_MODE = 0o100644;
const EXECUTABLE_MODE = 0o100755;
const DIRECTORY_MODE = 0o40755;

export async function zipDirectoryDeterministically(dir: string, outFile: string): Promise<FileDigest> {
  const layout = await inspectLayout(planArchiveLayout(await listDirectoryFiles(dir), dir));
  // Zip (DOS) timestamps are local wall-clock fields: a local-time Date, made now under the current
  // time zone, encodes as 2000-01-01 00:00 everywhere. forceDosTimestamp drops the UTC extra field.
  const mtime = new Date(2000, 0, 1);
  const zip = new ZipFile();
  const output = new PassThrough();
  const fail = (error: Error) => {
    const hint = "zip it again once nothing writes to the directory";
    output.destroy(error instanceof ArchiveError ? error : new ArchiveError(`cannot zip ${dir}: ${error.message}`, { where: dir, hint, cause: error }));
  };
  // yazl reports failures (a file that changed size while zipped) on the ZipFile, not on its stream.
  zip.on("error", fail);
  zip.outputStream.pipe(output);
  for (const entry of layout) {
    if (entry.kind === "directory") {
      zip.addEmptyDirectory(entry.archivePath, { mtime, mode: DIRECTORY_MODE, forceDosTimestamp: true });
      continue;
    }
    const options = {
      mtime,
      mode: entry.executable ? EXECUTABLE_MODE : FILE_MODE,
      compressionLevel: ZIP_LEVEL,
      forceDosTimestamp: true,
      size: entry.size,
    };
    zip.addReadStreamLazy(entry.archivePath, options, (callback) => {
      openSourceFile(entry).then((stream) => callback(null, stream.on("error", fail)), fail);
    });
  }
  zip.end();
  return writeStreamAtomic(outFile, output);
}
