/**
 * `gitseal policy check SUBJECT SCOPE [--operation OP] --policy FILE`: what
 * the rewrap service would decide, and which rule decides it; for a scope,
 * also whether its documents must be signed (`requireSignatures`); status 1
 * when denied. Allow rules that deny rules shadow entirely are warned about
 * on stderr, as the service's loader does.
 */
import { readFile } from 'node:fs/promises';
import { fail } from '../../core/errors.js';
import { parsePolicy } from '../../kms/service/policy.js';
import { shadowedAllows } from '../../kms/service/policy-shadow.js';
import { OPERATIONS } from '../../kms/protocol/types.js';
import { EXIT_CHECK_FAILED } from '../exit-codes.js';
import type { PolicyCheckOptions } from './policy-check.command.js';

const errnoOf = (e: unknown): string => (e as NodeJS.ErrnoException | null)?.code ?? 'unknown error';

export async function run(opts: PolicyCheckOptions): Promise<number> {
  const file = opts.policy;
  if (typeof file !== 'string' || file === '') fail('E_USAGE', 'name the policy file with --policy FILE');
  const { subject, scope, operation } = opts;
  if (!subject || !scope) fail('E_USAGE', 'name the SUBJECT and the SCOPE to check, e.g. dev:alice payments/db');
  // A repeated --operation arrives as an array, which yargs' choices check lets through.
  if (!OPERATIONS.includes(operation)) fail('E_USAGE', `--operation must be one of ${OPERATIONS.join(', ')}`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return fail('E_IO', `cannot read ${file}: ${errnoOf(e)}`);
  }
  const policy = parsePolicy(text, file);
  for (const warning of shadowedAllows(policy.rules)) process.stderr.write(`warning: ${warning}\n`);
  const decision = policy.decide(subject, scope, operation);
  const scoped = operation === 'rewrap' || operation === 'write';
  const requiredBy = scoped ? policy.signaturesRequiredBy(scope) : null;
  if (opts.json) process.stdout.write(JSON.stringify({ subject, scope, operation, ...decision, ...(scoped ? { signaturesRequiredBy: requiredBy } : {}) }, null, 2) + '\n');
  else {
    process.stdout.write(`${decision.allowed ? 'allow' : 'deny'}: ${decision.reason}\n`);
    if (requiredBy !== null) process.stdout.write(`signatures required for ${scope} (requireSignatures: ${requiredBy}): its documents must be signed by a writer granted write there\n`);
  }
  return decision.allowed ? 0 : EXIT_CHECK_FAILED;
}
