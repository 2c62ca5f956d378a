/**
 * The gcp-kms root (a Google Cloud KMS symmetric key): its configuration.
 * The client (gcp-kms-client.ts) needs the optional package
 * @google-cloud/kms and is imported only when such a root is opened.
 */
import { fail } from '../../core/errors.js';
import { loadOptional } from '../../runtime/optional-package.js';
import { endpointUrl } from './config.js';
import type { GcpKmsSettings } from './gcp-kms-client.js';
import type { RootConfigCommon, RootModule } from './root-module.js';

export interface GcpKmsRootConfig extends RootConfigCommon, GcpKmsSettings {
  type: 'gcp-kms';
}

const GCP_KEY_NAME = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;

export const gcpKmsRoot: RootModule<GcpKmsRootConfig> = {
  kind: 'gcp-kms',
  fields: ['name', 'apiEndpoint'],
  example: { type: 'gcp-kms', name: 'projects/my-project/locations/global/keyRings/gitseal/cryptoKeys/root' },

  parse(read, { checkInterval }) {
    const name = read.string('name');
    if (!GCP_KEY_NAME.test(name)) fail('E_CONFIG', `${read.where}: name must be projects/P/locations/L/keyRings/R/cryptoKeys/K`);
    const apiEndpoint = read.optString('apiEndpoint');
    if (apiEndpoint !== undefined) endpointUrl(apiEndpoint, `${read.where}: apiEndpoint`);
    return { type: 'gcp-kms', name, ...(apiEndpoint === undefined ? {} : { apiEndpoint }), checkInterval };
  },

  load: async () => ({ open: (await loadOptional('@google-cloud/kms', () => import('./gcp-kms-client.js'))).openGcpKmsRoot }),
};
