/**
 * The pkcs11 root (an HSM through its PKCS#11 module): its configuration.
 * The token code (pkcs11-token.ts) needs the optional package pkcs11js and
 * is imported only when such a root is opened.
 */
import { fail } from '../../core/errors.js';
import { loadOptional } from '../../runtime/optional-package.js';
import type { Pkcs11Settings } from './pkcs11-token.js';
import type { RootConfigCommon, RootModule } from './root-module.js';

export interface Pkcs11RootConfig extends RootConfigCommon, Pkcs11Settings {
  type: 'pkcs11';
}

const DEFAULT_PIN_ENV = 'GITSEAL_HSM_PIN';

export const pkcs11Root: RootModule<Pkcs11RootConfig> = {
  kind: 'pkcs11',
  fields: ['module', 'tokenLabel', 'keyLabel', 'pinEnv', 'pinFile'],
  example: { type: 'pkcs11', module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'gitseal', keyLabel: 'gitseal-root', pinEnv: DEFAULT_PIN_ENV },

  parse(read, { checkInterval }) {
    if (read.has('pinFile') && read.has('pinEnv')) fail('E_CONFIG', `${read.where}: give pinEnv or pinFile, not both`);
    const pinFile = read.optString('pinFile');
    return {
      type: 'pkcs11',
      module: read.string('module'),
      tokenLabel: read.string('tokenLabel'),
      keyLabel: read.string('keyLabel'),
      pinEnv: read.envName('pinEnv', DEFAULT_PIN_ENV),
      ...(pinFile === undefined ? {} : { pinFile }),
      checkInterval,
    };
  },

  async load() {
    const token = await loadOptional('pkcs11js', () => import('./pkcs11-token.js'));
    return { open: token.openPkcs11Root, createKey: token.createPkcs11Key };
  },
};
