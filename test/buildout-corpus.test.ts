/**
 * Real-world buildout configurations, collected from public repositories (see
 * test/fixtures/buildout-corpus/SOURCES.md), read by Hostout's reader and by real
 * zc.buildout 2.13: every option of every section must be the same, and what buildout
 * refuses Hostout must refuse too.
 *
 * Remote `extends` are served from test/fixtures/buildout-corpus/remote/<host>/<path> by
 * a local HTTP server: the test copies the corpus to a scratch folder and rewrites
 * `http(s)://<host>/` to `http://127.0.0.1:<port>/<host>/` for every host stored there.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ConfigError } from '../shared/errors.ts';
import { loadBuildoutConfig, type BuildoutConfig } from '../controller/config/buildout-config.ts';
import { runBuildoutOracleEachSection, type OracleError } from '../controller/config/fixtures/buildout-oracle.ts';
import { serveConfigFiles, type ConfigServer } from './support/config-server.ts';

const CORPUS = join(import.meta.dirname, 'fixtures', 'buildout-corpus');

type Origin = 'Plone coredev' | 'collective add-on' | 'Zope' | 'Pyramid' | 'Django' | 'Plone site';

interface CorpusCase {
  /** The top file, relative to the corpus folder: what `bin/buildout -c` would be given. */
  top: string;
  origin: Origin;
}

const CASES: CorpusCase[] = [
  { top: 'plone-coredev/core.cfg', origin: 'Plone coredev' },
  { top: 'plone-coredev/sources.cfg', origin: 'Plone coredev' },
  { top: 'plone-coredev/checkouts.cfg', origin: 'Plone coredev' },
  { top: 'plone-coredev/bare.cfg', origin: 'Plone coredev' },
  { top: 'plone-coredev/ci.cfg', origin: 'Plone coredev' },
  { top: 'plone-coredev/buildout-py3.cfg', origin: 'Plone coredev' },
  { top: 'plone-coredev/base.cfg', origin: 'Plone coredev' },
  { top: 'collective-plonetest/test-5.2.x.cfg', origin: 'collective add-on' },
  { top: 'collective.behavior.targetblank/buildout.cfg', origin: 'collective add-on' },
  { top: 'collective.schedulefield/buildout.cfg', origin: 'collective add-on' },
  { top: 'collective.rosters/test_plone60.cfg', origin: 'collective add-on' },
  { top: 'collective.portlet.localusers/base.cfg', origin: 'collective add-on' },
  { top: 'plone-unified-installer/buildout.cfg', origin: 'Plone site' },
  { top: 'plone-ve/4.3.x', origin: 'Plone site' },
  { top: 'plone-ve/4.2.x-wsgi', origin: 'Plone site' },
  { top: 'rhaptos-cnx/rhaptos-base.cfg', origin: 'Plone site' },
  { top: 'rhaptos-cnx/buildout.cfg', origin: 'Plone site' },
  { top: 'zope/buildout.cfg', origin: 'Zope' },
  { top: 'zope/alltests.cfg', origin: 'Zope' },
  { top: 'zope-cmf/buildout-zope213.cfg', origin: 'Zope' },
  { top: 'zope-cmf/sources.cfg', origin: 'Zope' },
  { top: 'zopetoolkit/buildout.cfg', origin: 'Zope' },
  { top: 'zopetoolkit/development.cfg', origin: 'Zope' },
  { top: 'zopetoolkit/checknew.cfg', origin: 'Zope' },
  { top: 'zopetoolkit/zopeapp.cfg', origin: 'Zope' },
  { top: 'voteit-skl/buildout.cfg', origin: 'Pyramid' },
  { top: 'voteit-skl/develop.cfg', origin: 'Pyramid' },
  { top: 'voteit-cookiecutter/template/buildout.cfg', origin: 'Pyramid' },
  { top: 'voteit-cookiecutter/template/develop.cfg', origin: 'Pyramid' },
  { top: 'voteit-cookiecutter/buildout_defaults/testing.cfg', origin: 'Pyramid' },
  { top: 'pyramid-gae/buildout.cfg', origin: 'Pyramid' },
  { top: 'django-skeleton/buildout.cfg', origin: 'Django' },
  { top: 'djangocms3-emencia/buildout.cfg', origin: 'Django' },
  { top: 'djangocms3-emencia/development.cfg', origin: 'Django' },
  { top: 'djangocms3-emencia/integration.cfg', origin: 'Django' },
  { top: 'djangocms3-emencia/production.cfg', origin: 'Django' },
];

let scratch = '';
let server: ConfigServer | undefined;
const totals = { cases: 0, rejectedCases: 0, sections: 0, rejectedSections: 0, options: 0, agreeing: 0 };

before(async () => {
  scratch = realpathSync(mkdtempSync(join(tmpdir(), 'buildout-corpus-')));
  const served = await serveConfigFiles({});
  server = served;
  const remote = join(CORPUS, 'remote');
  const hosts = readdirSync(remote, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const toLoopback = (text: string): string =>
    hosts.reduce((result, host) => result.replaceAll(new RegExp(`https?://${host.replaceAll('.', '\\.')}/`, 'g'), `${served.url}/${host}/`), text);
  // Local files go to the scratch folder, remote ones to the folder the server serves.
  cpSync(CORPUS, scratch, { recursive: true, filter: (source) => source !== remote });
  cpSync(remote, served.root, { recursive: true });
  for (const file of [...configFiles(scratch), ...configFiles(served.root)]) {
    const text = toLoopback(readFileSync(file, 'utf8'));
    // Tests talk only to loopback: a URL in `extends` with no copy under remote/ is a corpus bug.
    const elsewhere = extendsUrls(text).filter((url) => !url.startsWith(`${served.url}/`));
    assert.deepEqual(elsewhere, [], `${file} extends URLs that have no copy under ${remote}`);
    writeFileSync(file, text);
  }
});

after(async () => {
  await server?.stop();
  if (server) rmSync(server.root, { recursive: true, force: true });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  const files = configFiles(CORPUS).length;
  console.log(
    `buildout corpus: ${files} files, ${totals.cases} cases (${totals.rejectedCases} refused by buildout), ` +
      `${totals.sections} sections (${totals.rejectedSections} refused by buildout), ` +
      `${totals.agreeing}/${totals.options} options the same as zc.buildout 2.13`,
  );
});

for (const corpusCase of CASES) {
  test(`${corpusCase.origin}: ${corpusCase.top} reads as zc.buildout 2.13 reads it`, () => {
    const disagreements = compareWithBuildout(join(scratch, corpusCase.top));
    assert.deepEqual(disagreements, []);
  });
}

/** Every difference between the two readers, as readable lines; empty when they agree. */
function compareWithBuildout(topFile: string): string[] {
  totals.cases++;
  const expected = runBuildoutOracleEachSection(topFile);
  if ('error' in expected) {
    totals.rejectedCases++;
    return refusedAlike(() => loadBuildoutConfig(topFile), expected, 'loading');
  }

  let config: BuildoutConfig;
  try {
    config = loadBuildoutConfig(topFile);
  } catch (error) {
    return [`buildout reads the configuration, Hostout refuses it: ${describe(error)}`];
  }
  const disagreements: string[] = [];
  const buildoutNames = [...Object.keys(expected.values), ...Object.keys(expected.sectionErrors)].sort();
  const ourNames = config.sectionNames().sort();
  if (buildoutNames.join('\n') !== ourNames.join('\n')) {
    disagreements.push(`sections differ: buildout [${buildoutNames.join(', ')}], Hostout [${ourNames.join(', ')}]`);
  }

  for (const name of buildoutNames) {
    totals.sections++;
    const refusal = expected.sectionErrors[name];
    if (refusal) {
      totals.rejectedSections++;
      disagreements.push(...refusedAlike(() => config.section(name), refusal, `section [${name}]`));
      // Like the oracle, go on with a configuration no failed section has touched.
      config = loadBuildoutConfig(topFile);
      continue;
    }
    let ours: Map<string, string> | undefined;
    try {
      ours = config.section(name);
    } catch (error) {
      disagreements.push(`[${name}]: buildout reads it, Hostout refuses it: ${describe(error)}`);
      config = loadBuildoutConfig(topFile);
      continue;
    }
    const theirs = expected.values[name] ?? {};
    const keys = new Set([...Object.keys(theirs), ...(ours?.keys() ?? [])]);
    for (const key of [...keys].sort()) {
      totals.options++;
      const [buildoutValue, ourValue] = [theirs[key], ours?.get(key)];
      if (buildoutValue === ourValue) totals.agreeing++;
      else disagreements.push(`${name}:${key}: buildout ${JSON.stringify(buildoutValue)}, Hostout ${JSON.stringify(ourValue)}`);
    }
  }
  return disagreements;
}

/**
 * Hostout must refuse with a ConfigError where buildout raises, and name the same thing:
 * the missing option or section, or Python's message for a section condition it cannot evaluate.
 */
function refusedAlike(run: () => unknown, refusal: OracleError, what: string): string[] {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ConfigError)) return [`${what}: buildout refuses (${refusal.message}), Hostout fails otherwise: ${String(error)}`];
    const subject = refusalSubject(refusal);
    if (subject && !error.message.includes(subject)) {
      return [`${what}: buildout refuses naming ${subject} (${refusal.message}), Hostout names something else: ${error.message}`];
    }
    return [];
  }
  return [`${what}: buildout refuses it (${refusal.error}: ${refusal.message}), Hostout accepts it`];
}

function refusalSubject({ error, message }: OracleError): string | undefined {
  if (error === 'MissingOption') return /does not exist: (\S+) (\S+)/.exec(message)?.slice(1).join(':');
  // A section condition buildout cannot evaluate: Hostout repeats Python's own message.
  if (error === 'NameError' || error === 'AttributeError') return message;
  if (error === 'MissingSection') return /section,? '?([^',]+)'?/.exec(message)?.[1];
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof ConfigError ? error.describe() : String(error);
}

/** The URLs named in `extends` options, continuation lines included (comment lines skipped). */
function extendsUrls(text: string): string[] {
  const urls: string[] = [];
  let inExtends = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^[#;]/.test(line)) continue;
    const start = /^extends\s*=(.*)$/.exec(line);
    if (start) inExtends = true;
    else if (!/^\s/.test(line) || line.trim() === '') inExtends = false;
    if (!inExtends) continue;
    urls.push(...(start?.[1] ?? line).split(/\s+/).filter((word) => /^[a-zA-Z0-9+.-]+:\/\//.test(word)));
  }
  return urls;
}

/** Buildout files need not end in .cfg (`4.3.x` is one): every file but the notes. */
function configFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.md'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort((a, b) => relative(dir, a).localeCompare(relative(dir, b)));
}
