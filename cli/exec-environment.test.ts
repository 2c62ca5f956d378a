import { describe, expect, it } from 'vitest';
import { isGitsealError } from '../core/errors.js';
import { codeOf } from '../test/helpers/errors.js';
import { environmentOf, isRefusedName } from './exec-environment.js';

const secret = (stringData: Record<string, unknown>, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData, data });
describe('exec-env variables', () => {
  it("exports a Secret's data (decoded) and stringData, a generic file's top-level values, and lists what it cannot export", () => {
    const out = environmentOf([secret({ user: 'app', port: 5432, 'tls.key': 'k' }, { password: Buffer.from('pw').toString('base64') }), { token: 't', nested: { a: 1 } }]);
    expect(out.env).toEqual({ password: 'pw', user: 'app', port: '5432', token: 't' });
    expect(out.skipped).toEqual(['tls.key', 'nested']);
  });

  it.each(['NODE_OPTIONS', 'LD_PRELOAD', 'ld_library_path', 'DYLD_INSERT_LIBRARIES', 'BASH_ENV', 'ENV', 'PATH', 'PYTHONPATH', 'PYTHONSTARTUP', 'PERL5OPT', 'RUBYOPT', 'JAVA_TOOL_OPTIONS', 'GIT_SSH_COMMAND', 'BASH_FUNC_x%%', 'HTTPS_PROXY', 'GITSEAL_SERVER'])(
    'refuses %s unless allowed by name',
    (name) => {
      expect(isRefusedName(name)).toBe(true);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return; // not a variable name at all: skipped, never set
      expect(codeOf(() => environmentOf([secret({ [name]: '--import=data:text/javascript,process.exit(7)' })]))).toBe('E_ENV');
      expect(environmentOf([secret({ [name]: 'x' })], new Set([name])).env[name]).toBe('x');
    },
  );

  it('lets ordinary application settings through', () => {
    for (const name of ['DATABASE_URL', 'NODE_ENV', 'API_TOKEN', 'PORT', 'LOG_LEVEL', 'PGPASSWORD', 'AWS_REGION']) expect(isRefusedName(name), name).toBe(false);
  });

  it('refuses a name two documents both set (an appended document cannot override), and names no value', () => {
    let message = '';
    try {
      environmentOf([secret({ DATABASE_URL: 'postgres://db/app' }), secret({ DATABASE_URL: 'postgres://attacker/app' })]);
    } catch (e) {
      expect(isGitsealError(e, 'E_ENV')).toBe(true);
      message = (e as Error).message;
    }
    expect(message).toContain('documents 1 and 2 both set DATABASE_URL');
    expect(message).not.toContain('attacker');
    // Within one document the Secret's stringData overrides its data, as the API server does.
    expect(environmentOf([secret({ A: 'from stringData' }, { A: Buffer.from('from data').toString('base64') })]).env.A).toBe('from stringData');
  });
});
