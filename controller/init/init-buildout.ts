/**
 * `ctl init`: makes a development buildout deploy through its own part, as the
 * design's first example: a target section (written from flags when there is
 * none), that part in `parts`, the recipe egg in a find-links folder of the
 * buildout (offline) and pinned, the ctl that bin/<part> runs, and a
 * bin/buildout when the buildout has none. Each step changes a file only when
 * it must, so running it again changes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, TargetError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { loadBuildoutConfig, type BuildoutConfig } from '../config/buildout-config.ts';
import { TARGET_OPTIONS, TARGET_RECIPE } from '../target/target-options.ts';
import { checkTargetOption, readTarget, splitList, targetSectionNames } from '../target/target.ts';
import { deploySettingsFromTarget } from '../target/deploy-settings.ts';
import { STATE_DIR_NAME } from '../release/release-inputs.ts';
import { addListItem, appendSection, setOption } from './buildout-file-edit.ts';
import { placeRecipeEgg, recipeVersion, RECIPE_NAME } from './recipe-egg.ts';
import { CTL_COMMAND_RECORD, recordCtlCommand, thisCtlCommand } from './ctl-command-record.ts';
import { provideBuildoutScript } from './buildout-script.ts';

/** The part `ctl init` writes when the buildout has no target yet, as in the design. */
export const DEFAULT_TARGET_NAME = 'deploy';
/** The recipe's find-links folder, as written into the buildout (buildout expands it). */
export const RECIPE_FIND_LINKS = `\${buildout:directory}/${STATE_DIR_NAME}/recipe`;

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
  const changes: string[] = [];
  let config = loadBuildoutConfig(top);
  const directory = config.get('buildout', 'directory')!;
  const shown = (path: string) => relative(directory, path) || path;
  const file = shown(top);
  const original = readFileSync(top, 'utf8');
  let text = original;

  const { name, isNew } = chooseTarget(config, request.targetName);
  if (isNew) {
    const options = newTargetOptions(name, request.targetOptions);
    text = appendSection(text, name, [['recipe', TARGET_RECIPE], ...options]);
    changes.push(`Wrote target [${name}] in ${file}: ${options.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  } else {
    refuseDifferentOptions(config, name, request.targetOptions);
  }
  const python = isNew ? (request.targetOptions.get('python') ?? defaultOf('python')) : readTarget(config, name).python;

  if (!splitList(config.get('buildout', 'parts') ?? '').includes(name)) {
    text = addListItem(text, top, 'buildout', 'parts', name);
    changes.push(`Added ${name} to parts in ${file}`);
  }
  const findLinksDir = join(directory, STATE_DIR_NAME, 'recipe');
  if (!findLinks(config, directory).includes(findLinksDir)) {
    text = addListItem(text, top, 'buildout', 'find-links', RECIPE_FIND_LINKS);
    changes.push(`Added ${RECIPE_FIND_LINKS} to find-links in ${file}`);
  }
  const version = await recipeVersion(python);
  const versionsSection = config.get('buildout', 'versions') || 'versions';
  if (config.get(versionsSection, RECIPE_NAME) !== version) {
    text = setOption(text, top, versionsSection, RECIPE_NAME, version);
    changes.push(`Pinned ${RECIPE_NAME} = ${version} in [${versionsSection}] of ${file}`);
  }
  if (text !== original) {
    writeFileAtomic(top, text);
    try {
      // what ctl deploy will read: fail now, naming the line, and leave the file as it was
      config = loadBuildoutConfig(top);
      deploySettingsFromTarget(readTarget(config, name));
    } catch (error) {
      writeFileAtomic(top, original);
      throw error;
    }
  }

  const egg = await placeRecipeEgg({ python, version, findLinksDir, buildDir: join(directory, STATE_DIR_NAME, 'recipe-build') });
  if (egg.changed) changes.push(`Put ${egg.filename} in ${shown(findLinksDir)}`);
  for (const stale of egg.removed) changes.push(`Removed ${stale} from ${shown(findLinksDir)}`);

  const ctlCommand = thisCtlCommand();
  if (recordCtlCommand(directory, ctlCommand)) changes.push(`bin/${name} will run ${ctlCommand.join(' ')} (recorded in ${CTL_COMMAND_RECORD})`);

  const binDirectory = config.get('buildout', 'bin-directory')!;
  if (provideBuildoutScript(binDirectory, python)) changes.push(`Wrote ${shown(join(binDirectory, 'buildout'))}: zc.buildout on ${python}, through Hostout's launcher`);
  return { target: name, changes };
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

function defaultOf(key: string): string {
  return TARGET_OPTIONS.find((o) => o.key === key)!.default!;
}
