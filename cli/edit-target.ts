/**
 * What `gitseal edit` edits: an encrypted file (opened, perhaps with the
 * merge driver's conflicts shown between markers), or a file that does not
 * exist yet, which gets a template and the recipients and scope of the
 * creation rules that match its path. Either way, `seal` turns the edited
 * plaintext into the file's new text, and throws for text it cannot take.
 */
import { existsSync, lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../core/errors.js';
import { hasConflictMarkers } from '../core/format/conflict-markers.js';
import { encryptStream } from '../core/format/stream.js';
import { newFileTemplate } from './edit-template.js';
import { openForEdit } from './open-conflicted.js';
import { policyOf, recipientsOf, reseal } from './open-file.js';
import { finishSigning, writerSigner } from './writer.js';

export interface EditTarget {
  /** The plaintext as it is: saving it unchanged writes nothing. */
  readonly view: string;
  /** Comment lines shown above it (cli/edit-header.ts). */
  readonly header: readonly string[];
  readonly json: boolean;
  /** True for a file that does not exist yet. */
  readonly created: boolean;
  /** The view shows conflicts between markers: leaving it as it is resolves nothing. */
  readonly conflicted: boolean;
  seal(plaintext: string): Promise<string>;
}

/** Throws what openForEdit throws; for a new file, E_NO_RECIPIENTS or E_IO before any editor opens, so no typing is lost. */
export async function editTarget(file: string, keyFile: string | undefined): Promise<EditTarget> {
  if (lstatSync(file, { throwIfNoEntry: false }) === undefined) return newFile(file);
  const { file: f, view, conflicted } = await openForEdit(file, keyFile);
  return {
    view,
    header: [],
    json: f.format === 'json',
    created: false,
    conflicted,
    seal: async (plaintext) => {
      if (conflicted && hasConflictMarkers(plaintext)) fail('E_EDITOR', 'conflict markers (<<<<<<< … >>>>>>>) are still in the text: keep one side of each');
      return reseal(f, plaintext);
    },
  };
}

function newFile(file: string): EditTarget {
  if (!existsSync(dirname(file))) fail('E_IO', `cannot create ${file}: its folder ${dirname(file)} does not exist`);
  const policy = policyOf(file);
  const recipients = recipientsOf(undefined, policy);
  if (recipients.length === 0) fail('E_NO_RECIPIENTS', `no recipients for ${file}: add them to .gitseal.yaml (gitseal init writes one)`);
  const template = newFileTemplate(file, policy, recipients);
  return {
    view: template.skeleton,
    header: template.header,
    json: /\.json$/i.test(file),
    created: true,
    conflicted: false,
    seal: (plaintext) =>
      finishSigning(encryptStream(plaintext, { recipients, scope: policy.scope, readablePaths: policy.readablePaths, signer: writerSigner(policy) }), policy),
  };
}
