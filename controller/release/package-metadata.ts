import { ReleaseError } from '../../shared/errors.ts';
import { runPythonHelper } from './python-script.ts';
import type { TouchedFiles } from './metadata-cache.ts';

export interface PackageMetadata {
  dir: string;
  name: string;
  declaredVersion: string;
  /** what setup.py opened and listed in its package; undefined when it started a process */
  touched: TouchedFiles | undefined;
}

/**
 * Asks setuptools for each package's name and declared version, all packages
 * in one Python process (starting Python fifty times costs seconds).
 */
export async function readPackageMetadata(python: string, dirs: readonly string[]): Promise<PackageMetadata[]> {
  if (dirs.length === 0) return [];
  const { stdout } = await runPythonHelper(python, 'read_metadata.py', dirs, { what: 'reading setup.py metadata' });
  const results = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as MetadataLine);
  return results.map((r) => {
    const file = r.file ?? 'setup.py';
    if (r.error !== undefined) {
      throw new ReleaseError(`${file} ${r.error}`, {
        where: r.line ? `${r.dir}/${file}:${r.line}` : `${r.dir}/${file}`,
        hint: file === 'setup.py' ? 'run `python3 setup.py --version` in that directory to see the whole error' : `check [build-system] and [project] in ${r.dir}/${file}, and that its build backend is installed for ${python}`,
      });
    }
    if (!r.name || !r.version || r.version === '0.0.0') {
      throw new ReleaseError(`the package has no ${r.name ? 'version' : 'name'}`, {
        where: `${r.dir}/${file}`,
        hint: file === 'setup.py' ? 'declare name= and version= in setup() (or in setup.cfg [metadata])' : 'declare name and version in [project] (PEP 621), or have the build backend provide them',
      });
    }
    return { dir: r.dir, name: r.name, declaredVersion: r.version, touched: r.touched && 'opened' in r.touched ? r.touched : undefined };
  });
}

interface MetadataLine {
  dir: string;
  /** the file that declares the package: setup.py, or pyproject.toml when it has no setup.py */
  file?: string;
  name?: string;
  version?: string;
  /** what went wrong, worded to follow "setup.py" */
  error?: string;
  line?: number | null;
  touched?: TouchedFiles | { opaque: true };
}
