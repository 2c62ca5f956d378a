/**
 * The aws-kms root (an AWS KMS symmetric key): its configuration. The
 * client (aws-kms-client.ts) needs the optional package @aws-sdk/client-kms
 * and is imported only when such a root is opened.
 */
import { fail } from '../../core/errors.js';
import { loadOptional } from '../../runtime/optional-package.js';
import type { AwsKmsSettings } from './aws-kms-client.js';
import { endpointUrl } from './config.js';
import type { RootConfigCommon, RootModule } from './root-module.js';

export interface AwsKmsRootConfig extends RootConfigCommon, AwsKmsSettings {
  type: 'aws-kms';
}

const AWS_REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d+$/;

export const awsKmsRoot: RootModule<AwsKmsRootConfig> = {
  kind: 'aws-kms',
  fields: ['keyId', 'region', 'endpoint'],
  example: { type: 'aws-kms', keyId: 'alias/gitseal-root', region: 'eu-west-1' },

  parse(read, { checkInterval }) {
    const region = read.string('region');
    if (!AWS_REGION.test(region)) fail('E_CONFIG', `${read.where}: region ${JSON.stringify(region)} is not an AWS region such as eu-west-1`);
    const endpoint = read.optString('endpoint');
    if (endpoint !== undefined) endpointUrl(endpoint, `${read.where}: endpoint`);
    return { type: 'aws-kms', keyId: read.string('keyId'), region, ...(endpoint === undefined ? {} : { endpoint }), checkInterval };
  },

  load: async () => ({ open: (await loadOptional('@aws-sdk/client-kms', () => import('./aws-kms-client.js'))).openAwsKmsRoot }),
};
