/**
 * `gitseal git setup`: in the current repository, the `.gitattributes`
 * block, the diff and merge drivers in the repository's git config, and the
 * pre-commit guard, all calling gitseal through one launcher in the git
 * folder (git-launcher.ts). Idempotent: a second run changes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findConfig } from '../config.js';
import { writeAtomic } from '../files.js';
import { planAttributes, renderBlock, withBlock } from '../git-attributes.js';
import { installPreCommit } from '../git-hook.js';
import { installLauncher } from '../git-launcher.js';
import { commonGitDir, gitForDriverConfig, hooksDir, repoTop } from '../git-repo.js';
import { selfCommand, shellQuote } from '../self-command.js';
import { VERSION } from '../version.js';

export async function run(): Promise<void> {
  const top = await repoTop(process.cwd());
  const self = selfCommand(top);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const launcher = installLauncher(await commonGitDir(top), self, VERSION);
  const command = shellQuote(launcher.path);
  say(`launcher: ${launcher.changed ? 'written' : 'unchanged'} (${launcher.path} runs ${self.command})`);

  const plan = planAttributes(findConfig(top), top);
  const attributesFile = join(top, '.gitattributes');
  const before = existsSync(attributesFile) ? readFileSync(attributesFile, 'utf8') : '';
  const after = withBlock(before, renderBlock(plan));
  if (after !== before) writeAtomic(attributesFile, after);
  say(`.gitattributes: ${after === before ? 'unchanged' : 'updated'} (${plan.patterns.join(' ')}${plan.fallback ? `; ${plan.fallback}` : ''})`);

  const git = gitForDriverConfig(top);
  const settings: Array<[string, string]> = [
    ['diff.gitseal.textconv', `${command} git textconv`],
    // The view depends on the key at hand: a cached one would outlive a lost or new key.
    ['diff.gitseal.cachetextconv', 'false'],
    ['merge.gitseal.name', 'gitseal value-level merge of encrypted files'],
    ['merge.gitseal.driver', `${command} git merge %O %A %B %P`],
  ];
  let changed = 0;
  for (const [key, value] of settings) {
    const now = (await git.getConfig(key, 'local')).value;
    if (now === value) continue;
    await git.addConfig(key, value, false, 'local');
    changed++;
  }
  say(`git config: ${changed ? `${changed} setting(s) written` : 'unchanged'} (diff.gitseal, merge.gitseal → the launcher)`);

  const hooks = await hooksDir(top);
  const hook = installPreCommit(hooks, command);
  say(`pre-commit hook: ${hook.result}${hook.chained ? ` (runs the previous hook, now ${hook.chained}, after the guard)` : ''}`);
}
