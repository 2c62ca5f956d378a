import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../test/helpers/errors.js';
import { testWriter } from '../../test/helpers/signed-items.js';
import { parseServiceConfig } from './service-config.js';

const EXAMPLE = new URL('../../examples/serve/service.yaml', import.meta.url);
const MINIMAL = `gitseal-service: 1
tls: {cert: s.pem, key: k.pem}
root: {type: passphrase}
keys: keys.yaml
policy: policy.yaml
audit: audit.log
auth: {mtls: true}
`;

describe('service configuration', () => {
  it('reads the example, with paths relative to the file', () => {
    const c = parseServiceConfig(readFileSync(EXAMPLE, 'utf8'), '/etc/gitseal/service.yaml');
    expect(c.root).toMatchObject({ type: 'aws-kms', region: 'eu-west-1', checkInterval: 300 });
    expect(c.tls).toMatchObject({ cert: '/etc/gitseal/tls/server.pem', clientCa: '/etc/gitseal/tls/client-ca.pem', requireClientCert: false });
    expect(c.audit).toBe('/var/lib/gitseal/audit.log');
    expect(c.workers).toBe(2);
  });

  it('bootstrap: defaults name the Service in its namespace', () => {
    const c = parseServiceConfig(MINIMAL + 'bootstrap: {namespace: secrets}\n', '/srv/service.yaml');
    expect(c.bootstrap).toEqual({
      namespace: 'secrets',
      rootSecret: 'gitseal-rewrap-root',
      caConfigMap: 'gitseal-rewrap-ca',
      serverNames: ['gitseal-rewrap', 'gitseal-rewrap.secrets', 'gitseal-rewrap.secrets.svc', 'gitseal-rewrap.secrets.svc.cluster.local'],
      caDays: 3650,
    });
    expect(parseServiceConfig(MINIMAL, '/srv/service.yaml').bootstrap).toBeUndefined();
  });

  it('fills in defaults', () => {
    const c = parseServiceConfig(MINIMAL, '/srv/service.yaml');
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(c.limits.rate.burst).toBeGreaterThanOrEqual(1000);
    expect(c.kemBackend).toBe('auto');
    expect(c.limits.bodyBytesInFlight).toBe(4 * c.limits.maxBodyBytes);
    // A larger body limit raises the default bytes in flight with it, so a full body can still be read.
    expect(parseServiceConfig(MINIMAL + 'limits: {maxBodyBytes: 60000000}\n', '/srv/service.yaml').limits.bodyBytesInFlight).toBe(60_000_000);
  });

  it('reads the writer key file relative to it, and the writers it knows', () => {
    const alice = testWriter();
    const c = parseServiceConfig(MINIMAL + `writerKey: keys/writer.yaml\nwriters:\n  - {subject: "dev:alice", key: "${alice.text}"}\n`, '/srv/service.yaml');
    expect(c.writerKey).toBe('/srv/keys/writer.yaml');
    expect(c.writers).toEqual([{ subject: 'dev:alice', key: alice.key }]);
    expect(parseServiceConfig(MINIMAL, '/srv/service.yaml')).toMatchObject({ writers: [] });
    expect(parseServiceConfig(MINIMAL, '/srv/service.yaml')).not.toHaveProperty('writerKey');
  });

  it.each([
    ['an unknown setting', MINIMAL + 'listne: {port: 1}\n'],
    ['an empty writer key path', MINIMAL + 'writerKey: ""\n'],
    ['writers that are not a list', MINIMAL + 'writers: {subject: dev:a}\n'],
    ['no TLS', MINIMAL.replace('tls: {cert: s.pem, key: k.pem}\n', '')],
    ['a burst smaller than one batch', MINIMAL + 'limits: {rate: {rate: 10, burst: 10}}\n'],
    ['bytes in flight that a full body does not fit in', MINIMAL + 'limits: {maxBodyBytes: 1000000, bodyBytesInFlight: 999999}\n'],
    ['a port out of range', MINIMAL + 'listen: {port: 70000}\n'],
    ['an unknown KEM backend', MINIMAL + 'kemBackend: fast\n'],
    ['no version', MINIMAL.replace('gitseal-service: 1\n', '')],
    ['a bootstrap Secret name Kubernetes refuses', MINIMAL + 'bootstrap: {rootSecret: Root_Secret}\n'],
    ['a bootstrap with an unknown setting', MINIMAL + 'bootstrap: {namespce: x}\n'],
    ['bootstrap server names that are not DNS names', MINIMAL + 'bootstrap: {serverNames: ["a b"]}\n'],
  ])('refuses %s with E_CONFIG', (_, text) => {
    expect(codeOf(() => parseServiceConfig(text, 'service.yaml'))).toBe('E_CONFIG');
  });
});
