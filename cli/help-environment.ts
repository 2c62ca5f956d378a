/**
 * `gitseal help environment`: every environment variable gitseal reads, one
 * line each. cli/help-environment.test.ts greps the sources for the
 * variables they read and fails on one this list does not name.
 */
import { columns, wrap } from './help-topics.js';

export interface EnvironmentGroup {
  readonly title: string;
  /** Name and what it is for. */
  readonly variables: readonly (readonly [string, string])[];
}

export const ENVIRONMENT: readonly EnvironmentGroup[] = [
  {
    title: 'Keys and files',
    variables: [
      ['GITSEAL_KEY_FILE', 'the keystore that decrypts (--key wins; default ~/.config/gitseal/keys.yaml)'],
      ['GITSEAL_PASSPHRASE', "the keystore's passphrase, else asked on the terminal (git's drivers need it)"],
      ['GITSEAL_CONFIG', 'the .gitseal.yaml to use instead of the nearest one (--config wins)'],
      ['GITSEAL_WRITER_KEY', 'the key that signs what you write (default ~/.config/gitseal/writer.yaml)'],
      ['GITSEAL_TRUST', 'the writers you trust (default ~/.config/gitseal/trust.yaml)'],
      ['XDG_CONFIG_HOME', 'the folder of those defaults and of sops/age/keys.txt, instead of ~/.config'],
      ['GITSEAL_RAM_DIR', 'where edit and exec-file keep the plaintext, in memory (default /dev/shm)'],
      ['XDG_RUNTIME_DIR', 'that folder when /dev/shm is not memory-backed'],
      ['VISUAL', 'the editor of edit'],
      ['EDITOR', 'the editor of edit when VISUAL is not set (default vi)'],
      ['NO_COLOR', 'diff prints without colours'],
      ['PATH', 'git setup: whether git can call gitseal back by its name'],
      ['GITSEAL_DEBUG', 'an internal error prints its stack'],
    ],
  },
  {
    title: 'The rewrap service (every command that decrypts, keys, recipient, controller)',
    variables: [
      ['GITSEAL_SERVER', 'the rewrap service, https://HOST:PORT, when no --key or GITSEAL_KEY_FILE'],
      ['GITSEAL_SERVER_CA', "the CAs that check the service's certificate (default: the system's)"],
      ['GITSEAL_CLIENT_CERT', 'a client certificate (mTLS), with GITSEAL_CLIENT_KEY'],
      ['GITSEAL_CLIENT_KEY', "that certificate's private key"],
      ['GITSEAL_TOKEN_FILE', 'the file of a bearer token, read at each request (service accounts)'],
      ['GITSEAL_TOKEN', 'a bearer token (an OIDC token from CI)'],
      ['GITSEAL_SIGNING_KEY', 'an Ed25519 key (PEM) that signs each request (keygen --signing-key)'],
      ['GITSEAL_SIGNING_KEY_ID', 'the name the service knows that key by'],
    ],
  },
  {
    title: 'Serving and the cluster (serve, serve init, controller)',
    variables: [
      ['GITSEAL_ROOT_PASSPHRASE', "a passphrase root's passphrase (unless its passphraseEnv names another)"],
      ['GITSEAL_HSM_PIN', "a PKCS#11 root's PIN (unless its pinEnv names another, or its pinFile)"],
      ['GITSEAL_TRUSTED_WRITERS', 'controller: the writers it trusts (--trusted-writers wins)'],
      ['KUBECONFIG', 'the cluster, outside a pod (controller --kubeconfig wins)'],
      ['POD_NAME', 'controller: its name in leader election (default: the host name)'],
      ['HOSTNAME', 'controller: the instance its events name'],
    ],
  },
  {
    title: 'Cloud KMS (the root of serve, import sops)',
    variables: [
      ['AWS_ACCESS_KEY_ID', "an AWS access key (else the AWS SDK's own configuration)"],
      ['AWS_SECRET_ACCESS_KEY', "that access key's secret"],
      ['AWS_SESSION_TOKEN', 'the session token of temporary credentials'],
      ['GOOGLE_APPLICATION_CREDENTIALS', 'the service-account key file of a Cloud KMS root'],
    ],
  },
  {
    title: "Other tools' variables",
    variables: [
      ['SOPS_AGE_KEY', 'import sops: age identities, as sops reads them'],
      ['SOPS_AGE_KEY_FILE', 'import sops: a file of age identities, as sops reads it'],
      ['SOPS_AGE_RECIPIENTS', 'export sops: the age recipients when no --age is given'],
      ['GITSEAL_SOPS_GCP_ENDPOINT', 'import sops: a loopback Cloud KMS test double (for tests only)'],
    ],
  },
];

/** Each group under its title, its columns its own. */
export function environmentText(width: number): string {
  const intro =
    'The environment variables gitseal reads. An option on the command line wins over its variable. The AWS and Google Cloud SDKs also read their own (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_KMS, …).';
  const groups = ENVIRONMENT.map((g) => `${g.title}:\n${columns(g.variables, width)}`);
  return [...wrap(intro, width), '', groups.join('\n\n')].join('\n');
}
