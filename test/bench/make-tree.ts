/**
 * Writes a development buildout with many develop eggs, for benchmarks and tests:
 *
 *   node --import tsx test/bench/make-tree.ts DIR [--eggs 50] [--files 200] [--seed 1]
 *
 * DIR/src/pkgNN/ are Python packages `bench.pkgNN` 1.0 (setup.py, a .gitignore, the
 * namespace package bench/pkgNN/ with four subpackages and `files` modules of 1-8 KB),
 * DIR/dev.cfg develops them all, DIR/prod.cfg has no develop, and DIR/buildout.cfg
 * extends dev.cfg with a `[production]` hostout target. The same seed writes the same
 * content, byte for byte. It returns once every file is older than the filesystem
 * clock, as on a developer's laptop, so no file is racy for the stat cache.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { probeFilesystemClock } from '../../controller/release/stat-cache.ts';

export interface BenchTreeOptions {
  eggs: number;
  /** Python modules per package, besides the __init__.py files */
  files: number;
  seed?: number;
}

export interface BenchTree {
  root: string;
  /** absolute, in develop order */
  packageDirs: string[];
  /** files written under src/ */
  files: number;
  bytes: number;
}

const SUBPACKAGES = ['core', 'browser', 'storage', 'tests'];

const GITIGNORE = `*.py[co]
__pycache__/
*.egg-info/
/build/
/dist/
.tox/
*.swp
`;

export function makeBenchTree(root: string, options: BenchTreeOptions): BenchTree {
  const width = Math.max(2, String(options.eggs - 1).length);
  const names = Array.from({ length: options.eggs }, (_, i) => `pkg${String(i).padStart(width, '0')}`);
  let files = 0;
  let bytes = 0;
  for (const [index, name] of names.entries()) {
    const random = seededRandom((options.seed ?? 1) * 100_003 + index);
    const packageFiles = developEggFiles(name, options.files, random);
    writeTree(join(root, 'src', name), packageFiles);
    files += Object.keys(packageFiles).length;
    bytes += Object.values(packageFiles).reduce((sum, content) => sum + Buffer.byteLength(content), 0);
  }
  writeTree(join(root, 'src', 'bench.recipe'), RECIPE_FILES);
  writeTree(root, buildoutFiles(names));
  settleFilesystemClock(root);
  return { root: resolve(root), packageDirs: names.map((n) => resolve(root, 'src', n)), files, bytes };
}

/** Writes `files` (relative path → content) under `root`, creating directories as needed. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** Waits (up to 5 s) until the filesystem clock in `dir` has moved past every file written so far. */
export function settleFilesystemClock(dir: string): void {
  const mark = probeFilesystemClock(dir);
  const tick = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 1000 && probeFilesystemClock(dir) <= mark; i++) Atomics.wait(tick, 0, 0, 5);
}

function developEggFiles(name: string, modules: number, random: () => number): Record<string, string> {
  const base = `bench/${name}`;
  const files: Record<string, string> = {
    'setup.py': setupPy(name),
    '.gitignore': GITIGNORE,
    'bench/__init__.py': '__import__("pkg_resources").declare_namespace(__name__)\n',
    [`${base}/__init__.py`]: `"""bench.${name}: generated for benchmarks."""\n`,
  };
  for (const sub of SUBPACKAGES) files[`${base}/${sub}/__init__.py`] = '';
  for (let i = 0; i < modules; i++) {
    const dir = i % (SUBPACKAGES.length + 1) === 0 ? base : `${base}/${SUBPACKAGES[i % (SUBPACKAGES.length + 1) - 1]}`;
    files[`${dir}/module${String(i).padStart(3, '0')}.py`] = pythonModule(random);
  }
  return files;
}

function setupPy(name: string): string {
  return `from setuptools import setup, find_packages

setup(
    name="bench.${name}",
    version="1.0",
    packages=find_packages(),
    namespace_packages=["bench"],
    zip_safe=True,
)
`;
}

/** A recipe that installs its `eggs`, so production needs every bench package (Debian has no zc.recipe.egg). */
const RECIPE_FILES: Record<string, string> = {
  'setup.py': `from setuptools import setup
setup(name="bench.recipe", version="1.0", py_modules=["bench_recipe"],
      install_requires=["zc.buildout"],
      entry_points={"zc.buildout": ["default = bench_recipe:Eggs"]})
`,
  'bench_recipe.py': `import zc.buildout.easy_install


class Eggs:
    def __init__(self, buildout, name, options):
        self.buildout, self.options = buildout, options

    def install(self):
        b = self.buildout["buildout"]
        zc.buildout.easy_install.install(
            self.options["eggs"].split(), b["eggs-directory"],
            links=b.get("find-links", "").split(), index=b.get("index"),
            path=[b["develop-eggs-directory"]], newest=False)
        return ()

    update = install
`,
};

function buildoutFiles(names: readonly string[]): Record<string, string> {
  return {
    'dev.cfg': `# Development: the bench packages are used in place.
[buildout]
extends = base.cfg
develop =
    src/bench.recipe
${names.map((n) => `    src/${n}\n`).join('')}index = file:///nonexistent
`,
    'base.cfg': `[buildout]
parts = app
newest = false

[app]
recipe = bench.recipe
eggs =
${names.map((n) => `    bench.${n}\n`).join('')}`,
    'prod.cfg': `# Production: released eggs only; never put develop here.
[buildout]
extends = base.cfg
`,
    'buildout.cfg': `[buildout]
extends = dev.cfg

[production]
recipe = collective.recipe.hostout
path = /srv/bench
buildout = prod.cfg
`,
  };
}

const WORDS = [
  'record', 'index', 'visit', 'store', 'cache', 'request', 'batch', 'token', 'entry', 'value',
  'schema', 'field', 'widget', 'layer', 'event', 'folder', 'catalog', 'query', 'result', 'view',
];

/** Plausible Python of 1-8 KB (log-uniform, as real modules are mostly small). */
function pythonModule(random: () => number): string {
  const target = Math.round(1024 * 8 ** random());
  const word = () => WORDS[Math.floor(random() * WORDS.length)]!;
  let text = `"""Helpers for ${word()} ${word()} handling."""\nimport logging\n\nlogger = logging.getLogger(__name__)\n`;
  for (let n = 0; text.length < target; n++) {
    const [a, b, c] = [word(), word(), word()];
    const limit = Math.floor(random() * 1000);
    text += random() < 0.7
      ? `\n\ndef ${a}_${b}_${n}(${a}s, ${c}=None):\n    """Return the ${b} of every ${a} above ${limit}."""\n` +
        `    ${b} = 0\n    for item in ${a}s:\n        if item > ${limit}:\n            ${b} += item\n` +
        `    logger.debug("${a} ${b}: %s", ${b})\n    return ${b} if ${c} is None else ${c}\n`
      : `\n\nclass ${cap(a)}${cap(b)}${n}(object):\n    """A ${a} that keeps its ${b}."""\n\n` +
        `    def __init__(self, ${b}):\n        self.${b} = ${b}\n\n` +
        `    def ${c}(self):\n        return self.${b} * ${limit}\n`;
  }
  return text;
}

function cap(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function main(): void {
  const usage = 'usage: node --import tsx test/bench/make-tree.ts DIR [--eggs 50] [--files 200] [--seed 1]';
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { eggs: { type: 'string', default: '50' }, files: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' } },
  });
  const [eggs, files, seed] = [values.eggs, values.files, values.seed].map(Number);
  const dir = positionals[0];
  if (positionals.length !== 1 || !dir || ![eggs, files, seed].every((n) => Number.isInteger(n) && n! >= 0) || eggs! < 1) {
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  if (!isNewOrEmpty(dir)) {
    console.error(`${dir} is not a new or empty directory; the tree is written into one`);
    process.exitCode = 2;
    return;
  }
  const tree = makeBenchTree(dir, { eggs: eggs!, files: files!, seed: seed! });
  console.log(`${tree.root}: ${tree.packageDirs.length} develop eggs, ${tree.files} files, ${(tree.bytes / 1e6).toFixed(1)} MB`);
}

function isNewOrEmpty(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
