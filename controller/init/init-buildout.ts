/**
 * `ctl init`: makes a development buildout deploy through its own part, as the
 * design's first example: a target section (written from flags when there is
 * none), that part in `parts`, the recipe egg in a find-links folder of the
 * buildout (offline) and pinned, the ctl that bin/<part> runs, and a
 * bin/buildout when the buildout has none. Each step changes a file only when
 * it must, so running it again changes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, TargetError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { loadBuildoutConfig, type BuildoutConfig } from '../config/buildout-config.ts';
import { TARGET_OPTIONS, TARGET_RECIPE } from '../target/target-options.ts';
import { checkTargetOption, readTarget, splitList, targetSectionNames } from '../target/target.ts';
import { deploySettingsFromTarget } from '../target/deploy-settings.ts';
import { STATE_DIR_NAME } from '../target/load-target.ts';
import { addListItem, appendSection, setOption } from './buildout-file-edit.ts';
import { placeRecipeEgg, recipeVersion, RECIPE_NAME } from './recipe-egg.ts';
import { CTL_COMMAND_RECORD, recordCtlCommand, thisCtlCommand } from './ctl-command-record.ts';
import { provideBuildoutScript } from './buildout-script.ts';
import { buildoutPythonOf, buildoutScriptPython } from '../config/buildout-python.ts';

/** The part `ctl init` writes when the buildout has no target yet, as in the design. */
export const DEFAULT_TARGET_NAME = 'deploy';
/** The recipe's find-links folder, as written into the buildout (buildout expands it). */
const RECIPE_FOLDER = join(STATE_DIR_NAME, 'recipe');
export const RECIPE_FIND_LINKS = `\${buildout:directory}/${RECIPE_FOLDER}`;

export interface InitRequest {
  /** absolute path of the development buildout's top config */
  configFile: string;
  targetName?: string;
  /** target options from the command line (`--host`...), by option key */
  targetOptions: ReadonlyMap<string, string>;
}

export interface InitReport {
  target: string;
  /** one line per change made, in order; empty when nothing had to change */
  changes: string[];
}

export async function initBuildout(request: InitRequest): Promise<InitReport> {
  const top = request.configFile;
  if (!existsSync(top)) {
    throw new ConfigError(`no buildout config at ${top}`, { where: top, hint: 'run ctl init in the directory of your buildout.cfg, or name the config with -c FILE' });
  }
  const config = loadBuildoutConfig(top, [], { buildoutPython: buildoutPythonOf(dirname(top), top) });
  const directory = config.get('buildout', 'directory')!;
  const shown = (path: string) => relative(directory, path) || path;
  const target = chooseTarget(config, request.targetName);
  if (!target.isNew) refuseDifferentOptions(config, target.name, request.targetOptions);
  const binDirectory = config.get('buildout', 'bin-directory')!;
  const python = target.isNew ? newTargetPython(request.targetOptions, binDirectory) : readTarget(config, target.name).python;
  const targetOptions = target.isNew && python !== defaultOf('python') ? new Map([...request.targetOptions, ['python', python]]) : request.targetOptions;
  const version = await recipeVersion(python);

  const original = readFileSync(top, 'utf8');
  const edits = editConfig(config, original, target, targetOptions, version);
  const changes = edits.changes.map((change) => `${change} ${shown(top)}`);
  if (edits.text !== original) writeUsableConfig(top, original, edits.text, target.name);

  const findLinksDir = join(directory, RECIPE_FOLDER);
  const egg = await placeRecipeEgg({ python, version, findLinksDir, buildDir: join(directory, STATE_DIR_NAME, 'recipe-build') });
  if (egg.changed) changes.push(`Put ${egg.filename} in ${shown(findLinksDir)}`);
  for (const stale of egg.removed) changes.push(`Removed ${stale} from ${shown(findLinksDir)}`);

  const ctlCommand = thisCtlCommand();
  if (recordCtlCommand(directory, ctlCommand)) changes.push(`bin/${target.name} will run ${ctlCommand.join(' ')} (recorded in ${CTL_COMMAND_RECORD})`);

  if (provideBuildoutScript(binDirectory, python)) changes.push(`Wrote ${shown(join(binDirectory, 'buildout'))}: zc.buildout on ${python}, through Hostout's launcher`);
  return { target: target.name, changes };
}

/**
 * The config file's new text: the target when new, the part in parts, the
 * recipe's folder in find-links, its pin. Each change is described up to the
 * file name ("Added deploy to parts in"). Pure.
 */
function editConfig(config: BuildoutConfig, text: string, target: { name: string; isNew: boolean }, given: ReadonlyMap<string, string>, version: string): { text: string; changes: string[] } {
  const top = config.topFile;
  const directory = config.get('buildout', 'directory')!;
  const changes: string[] = [];
  if (target.isNew) {
    const options = newTargetOptions(target.name, given);
    text = appendSection(text, target.name, [['recipe', TARGET_RECIPE], ...options]);
    changes.push(`Wrote target [${target.name}] (${options.map(([k, v]) => `${k} ${v}`).join(', ')}) in`);
  }
  if (!splitList(config.get('buildout', 'parts') ?? '').includes(target.name)) {
    text = addListItem(text, top, 'buildout', 'parts', target.name);
    changes.push(`Added ${target.name} to parts in`);
  }
  if (!findLinks(config, directory).includes(join(directory, RECIPE_FOLDER))) {
    text = addListItem(text, top, 'buildout', 'find-links', RECIPE_FIND_LINKS);
    changes.push(`Added ${RECIPE_FIND_LINKS} to find-links in`);
  }
  const versionsSection = config.get('buildout', 'versions') || 'versions';
  if (config.get(versionsSection, RECIPE_NAME) !== version) {
    text = setOption(text, top, versionsSection, RECIPE_NAME, version);
    changes.push(`Pinned ${RECIPE_NAME} = ${version} in [${versionsSection}] of`);
  }
  return { text, changes };
}

/** Writes the edited config, or, when ctl deploy could not use the target in it, puts the original back and says why. */
function writeUsableConfig(file: string, original: string, text: string, targetName: string): void {
  writeFileAtomic(file, text);
  try {
    deploySettingsFromTarget(readTarget(loadBuildoutConfig(file, [], { buildoutPython: buildoutPythonOf(dirname(file), file) }), targetName));
  } catch (error) {
    writeFileAtomic(file, original);
    throw error;
  }
}

/** The named target, the only one, or a new one (`deploy` unless named). */
function chooseTarget(config: BuildoutConfig, requested: string | undefined): { name: string; isNew: boolean } {
  const targets = targetSectionNames(config);
  if (requested) {
    if (targets.includes(requested)) return { name: requested, isNew: false };
    if (config.sectionNames().includes(requested)) {
      throw new TargetError(`section [${requested}] exists and is not a deployment target (its recipe is not ${TARGET_RECIPE})`, {
        where: sectionWhere(config, requested),
        hint: 'name another target: ctl init NAME',
      });
    }
    return { name: requested, isNew: true };
  }
  if (targets.length === 1) return { name: targets[0]!, isNew: false };
  if (targets.length > 1) throw new TargetError(`several deployment targets: ${targets.join(', ')}; name one`, { where: config.topFile, hint: `e.g. ctl init ${targets[0]}` });
  if (config.sectionNames().includes(DEFAULT_TARGET_NAME)) {
    throw new TargetError(`section [${DEFAULT_TARGET_NAME}] exists and is not a deployment target`, {
      where: sectionWhere(config, DEFAULT_TARGET_NAME),
      hint: 'name the new target: ctl init NAME --host ... --path ...',
    });
  }
  return { name: DEFAULT_TARGET_NAME, isNew: true };
}

/** The flags as the new section's options, in the order of the options table, each checked. */
function newTargetOptions(name: string, given: ReadonlyMap<string, string>): Array<[string, string]> {
  if (!given.get('path')) {
    throw new TargetError(`a new target [${name}] needs --path, the directory on the host that holds its releases`, {
      hint: `e.g. ctl init --host web1.example.com --path /srv/${name === DEFAULT_TARGET_NAME ? 'mysite' : name}`,
    });
  }
  return TARGET_OPTIONS.filter((spec) => given.has(spec.key)).map((spec) => [spec.key, checkTargetOption(name, spec.key, given.get(spec.key)!, `--${spec.key}`)]);
}

/** ctl init never edits an existing target: a flag must say what the target already says. */
function refuseDifferentOptions(config: BuildoutConfig, name: string, given: ReadonlyMap<string, string>): void {
  const target = readTarget(config, name);
  for (const [key, value] of given) {
    const current = target.options.get(key);
    if (current === value.trim()) continue;
    const origin = config.option(name, key);
    throw new TargetError(`target [${name}] has ${key} = ${current ?? '(unset)'}, not ${value}; ctl init does not change an existing target`, {
      where: origin && isAbsolute(origin.file) ? `${origin.file}:${origin.line}` : sectionWhere(config, name),
      hint: `edit [${name}] there, or leave out --${key}`,
    });
  }
}

function findLinks(config: BuildoutConfig, directory: string): string[] {
  return splitList(config.get('buildout', 'find-links') ?? '')
    .filter((link) => !/^[a-z+]+:\/\//.test(link))
    .map((link) => resolve(directory, link));
}

function sectionWhere(config: BuildoutConfig, section: string): string {
  for (const raw of config.rawFiles) {
    const found = raw.sections.find((s) => s.name === section);
    if (found) return `${found.file}:${found.line}`;
  }
  return config.topFile;
}

/**
 * --python, else the interpreter of the buildout's own bin/buildout, else the active
 * virtualenv's (a team whose buildout lives in one), else the default.
 */
function newTargetPython(given: ReadonlyMap<string, string>, binDirectory: string): string {
  const activated = process.env.VIRTUAL_ENV ? join(process.env.VIRTUAL_ENV, 'bin', 'python') : undefined;
  return given.get('python') ?? buildoutScriptPython(binDirectory) ?? (activated && existsSync(activated) ? activated : undefined) ?? defaultOf('python');
}

function defaultOf(key: string): string {
  return TARGET_OPTIONS.find((o) => o.key === key)!.default!;
}
