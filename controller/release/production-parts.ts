import { ReleaseError } from '../../shared/errors.ts';
import type { BuildoutConfig } from '../config/buildout-config.ts';
import { TARGET_RECIPE } from '../target/target-options.ts';
import { splitList } from '../target/target.ts';

/**
 * A deployment target is a part of the development buildout only: in the
 * production config's parts it would make every host build try to install
 * collective.recipe.hostout (which no host has) and write bin/<part> there.
 */
export function refuseTargetPartInProduction(production: BuildoutConfig): void {
  const parts = production.option('buildout', 'parts');
  for (const part of splitList(parts?.value ?? '')) {
    if (production.option(part, 'recipe')?.value.trim() !== TARGET_RECIPE) continue;
    throw new ReleaseError(`the production config's parts include [${part}], a deployment target (recipe = ${TARGET_RECIPE})`, {
      where: parts && parts.line > 0 ? `${parts.file}:${parts.line}` : production.topFile,
      hint: `add ${part} to parts in the development buildout only (ctl init writes \`parts += ${part}\` into buildout.cfg), not in a file the production config extends`,
    });
  }
}
