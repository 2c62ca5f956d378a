/**
 * The variables `gitseal exec-env` sets, and the names it refuses to set.
 *
 * A value in an encrypted file is chosen by whoever wrote the file. Variables
 * that change how programs load or run (NODE_OPTIONS=--import=data:…,
 * LD_PRELOAD, BASH_ENV, PATH, …) would let such a writer run code as the
 * user of exec-env, so they are refused unless named with --allow-env.
 * Names must come from one document: two documents giving the same name is
 * refused, so an appended document cannot override another's value.
 */
import { fail } from '../core/errors.js';
import { isSecretManifest } from '../core/format/k8s-secret.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names that change how programs load, run or whom they trust; compared case-insensitively. */
const REFUSED_NAMES = new Set(
  [
    // loaders, shells and the search path
    'PATH', 'BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'PROMPT_COMMAND', 'IFS', 'CDPATH', 'HOME', 'ZDOTDIR', 'GCONV_PATH', 'LOCPATH', 'TMPDIR',
    // language runtimes
    'NODE_OPTIONS', 'NODE_PATH', 'NODE_EXTRA_CA_CERTS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'NODE_REDIRECT_WARNINGS',
    'RUBYOPT', 'RUBYLIB', 'PERLLIB', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'CLASSPATH',
    // commands other programs start, and whom they trust or talk to
    'EDITOR', 'VISUAL', 'PAGER', 'BROWSER', 'OPENSSL_CONF', 'OPENSSL_ENGINES', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'CURL_CA_BUNDLE', 'REQUESTS_CA_BUNDLE',
    'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'GNUPGHOME', 'KUBECONFIG', 'DOCKER_HOST', 'SSH_AUTH_SOCK',
  ].map((n) => n.toUpperCase()),
);
const REFUSED_PREFIXES = ['LD_', 'DYLD_', 'BASH_FUNC_', 'PYTHON', 'PERL5', 'GIT_', 'LUA_', 'GEM_', 'GITSEAL_'];

/** True when setting this variable could change what code runs or whom it trusts. */
export function isRefusedName(name: string): boolean {
  const upper = name.toUpperCase();
  return REFUSED_NAMES.has(upper) || REFUSED_PREFIXES.some((p) => upper.startsWith(p));
}

/** The name → value pairs one document gives: a Secret's data (base64-decoded) and stringData, or a generic file's top-level values. */
function pairsOf(obj: unknown): [string, unknown][] {
  if (obj === null || typeof obj !== 'object') return [];
  const o = obj as Record<string, unknown>;
  if (!isSecretManifest(o)) return Object.entries(o);
  return [
    ...Object.entries((o.data ?? {}) as Record<string, unknown>).map(([k, v]): [string, unknown] => [k, Buffer.from(String(v), 'base64').toString('utf8')]),
    ...Object.entries((o.stringData ?? {}) as Record<string, unknown>),
  ];
}

export interface Environment {
  readonly env: Record<string, string>;
  /** Keys that are not variable names (e.g. `tls.key`) or hold a mapping or list: not exported. */
  readonly skipped: string[];
}

/**
 * The variables of the documents, in order. Throws E_ENV for a refused name
 * not in `allowed` (`'all'` when nothing runs with them, as for a dotenv
 * printout), and for a name two documents both give.
 */
export function environmentOf(documents: readonly unknown[], allowed: ReadonlySet<string> | 'all' = new Set()): Environment {
  const env: Record<string, string> = {};
  const from = new Map<string, number>();
  const skipped: string[] = [];
  documents.forEach((doc, i) => {
    for (const [k, v] of pairsOf(doc)) {
      if (!ENV_NAME.test(k) || v === null || typeof v === 'object') {
        skipped.push(k);
        continue;
      }
      if (allowed !== 'all' && isRefusedName(k) && !allowed.has(k))
        fail('E_ENV', `document ${i + 1} sets ${k}, which changes how programs load or run: refused (let it through with --allow-env ${k} if you trust every writer of this file)`);
      const first = from.get(k);
      if (first !== undefined && first !== i) fail('E_ENV', `documents ${first + 1} and ${i + 1} both set ${k}: refused, since one could override the other (keep the variables in one document)`);
      from.set(k, i);
      env[k] = String(v);
    }
  });
  return { env, skipped };
}
