import { describe, expect, it } from 'vitest';
import { codeOf, errorOf } from '../../test/helpers/errors.js';
import { parseAuthConfig } from './config.js';
import { generateSigningKey } from './request-signature.js';

const alice = generateSigningKey().publicKey;

const FULL = {
  serviceAccounts: { issuer: 'https://kubernetes.default.svc', jwksUri: 'https://127.0.0.1:6443/openid/v1/jwks' },
  oidc: [
    {
      issuer: 'https://token.actions.githubusercontent.com',
      audience: 'gitseal',
      subject: 'ci:{repository}:{ref}',
      require: { repository_owner: 'myorg' },
    },
  ],
  ed25519: { keys: { alice }, maxSkew: 120 },
  mtls: true,
};

describe('parseAuthConfig', () => {
  it('reads every method of the documented shape', () => {
    const c = parseAuthConfig(FULL);
    expect(c.serviceAccounts).toEqual({
      issuer: 'https://kubernetes.default.svc',
      audience: 'gitseal',
      verify: { kind: 'jwks', jwksUri: 'https://127.0.0.1:6443/openid/v1/jwks' },
    });
    expect(c.oidc).toHaveLength(1);
    expect(c.oidc[0]!.subject).toBe('ci:{repository}:{ref}');
    expect([...c.oidc[0]!.require]).toEqual([['repository_owner', 'myorg']]);
    expect(c.oidc[0]!.algorithms).toEqual(['RS256', 'ES256']);
    expect(c.ed25519!.maxSkew).toBe(120);
    expect(c.ed25519!.keys.get('alice')).toHaveLength(32);
    expect(c.mtls).toBe(true);
  });

  it('fills defaults: audience, maxSkew, replay cache, in-cluster TokenReview', () => {
    const c = parseAuthConfig({ serviceAccounts: { issuer: 'https://kubernetes.default.svc', tokenReview: {} }, ed25519: { keys: { alice } } });
    expect(c.serviceAccounts!.audience).toBe('gitseal');
    expect(c.serviceAccounts!.verify).toEqual({
      kind: 'tokenReview',
      server: 'https://kubernetes.default.svc',
      tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    });
    expect(c.ed25519!.maxSkew).toBe(300);
    expect(c.ed25519!.replayCacheSize).toBe(100_000);
    expect(c.mtls).toBe(false);
    expect(c.oidc).toEqual([]);
  });

  it('does not default the in-cluster CA for another API server', () => {
    const c = parseAuthConfig({ serviceAccounts: { issuer: 'https://k8s.example', tokenReview: { server: 'https://k8s.example:6443', tokenFile: '/t' } } });
    expect(c.serviceAccounts!.verify).toEqual({ kind: 'tokenReview', server: 'https://k8s.example:6443', tokenFile: '/t' });
  });

  it('accepts an empty mapping (no method: every request is refused)', () => {
    expect(parseAuthConfig({})).toEqual({ oidc: [], mtls: false });
  });

  it('keeps the issuer exactly as written (iss compares byte for byte)', () => {
    const c = parseAuthConfig({ serviceAccounts: { issuer: 'https://kubernetes.default.svc', jwksUri: 'https://x/jwks' } });
    expect(c.serviceAccounts!.issuer).toBe('https://kubernetes.default.svc');
  });

  const bad: Array<[string, unknown]> = [
    ['not a mapping', ['x']],
    ['unknown top-level field', { ...FULL, extra: 1 }],
    ['unknown serviceAccounts field', { serviceAccounts: { ...FULL.serviceAccounts, audiences: ['x'] } }],
    ['both jwksUri and tokenReview', { serviceAccounts: { ...FULL.serviceAccounts, tokenReview: {} } }],
    ['neither jwksUri nor tokenReview', { serviceAccounts: { issuer: 'https://kubernetes.default.svc' } }],
    ['caFile outside tokenReview', { serviceAccounts: { issuer: 'https://k', tokenReview: {}, caFile: '/ca' } }],
    ['missing issuer', { serviceAccounts: { jwksUri: 'https://x/jwks' } }],
    ['plain http off loopback', { serviceAccounts: { issuer: 'https://k', jwksUri: 'http://10.0.0.1/jwks' } }],
    ['URL with credentials', { serviceAccounts: { issuer: 'https://k', jwksUri: 'https://u:p@x/jwks' } }],
    ['not a URL', { serviceAccounts: { issuer: 'kubernetes', jwksUri: 'https://x/jwks' } }],
    ['empty audience', { serviceAccounts: { ...FULL.serviceAccounts, audience: '' } }],
    ['oidc not a list', { oidc: { issuer: 'https://a' } }],
    ['oidc without subject', { oidc: [{ issuer: 'https://a' }] }],
    ['template without literal prefix', { oidc: [{ issuer: 'https://a', subject: '{sub}' }] }],
    ['template placeholder before the first colon', { oidc: [{ issuer: 'https://a', subject: 'ci-{repo}:x' }] }],
    ['template with reserved prefix dev:', { oidc: [{ issuer: 'https://a', subject: 'dev:{actor}' }] }],
    ['template with reserved prefix system:', { oidc: [{ issuer: 'https://a', subject: 'system:{sub}' }] }],
    ['template with a stray brace', { oidc: [{ issuer: 'https://a', subject: 'ci:{repo' }] }],
    ['template with an empty placeholder', { oidc: [{ issuer: 'https://a', subject: 'ci:{}' }] }],
    ['two issuers sharing a subject prefix', { oidc: [{ issuer: 'https://a', subject: 'ci:{x}' }, { issuer: 'https://b', subject: 'ci:{y}' }] }],
    ['the same issuer twice', { oidc: [{ issuer: 'https://a', subject: 'a:{x}' }, { issuer: 'https://a', subject: 'b:{y}' }] }],
    ['oidc issuer equal to the serviceAccounts issuer', { serviceAccounts: FULL.serviceAccounts, oidc: [{ issuer: 'https://kubernetes.default.svc', subject: 'k:{sub}' }] }],
    ['require value not a string', { oidc: [{ issuer: 'https://a', subject: 'ci:{x}', require: { ok: true } }] }],
    ['HMAC algorithm', { oidc: [{ issuer: 'https://a', subject: 'ci:{x}', algorithms: ['HS256'] }] }],
    ['alg none', { oidc: [{ issuer: 'https://a', subject: 'ci:{x}', algorithms: ['none'] }] }],
    ['ed25519 key without prefix', { ed25519: { keys: { alice: alice.slice('ed25519:'.length) } } }],
    ['ed25519 key of 31 bytes', { ed25519: { keys: { alice: `ed25519:${Buffer.alloc(31).toString('base64url')}` } } }],
    ['ed25519 key not base64url', { ed25519: { keys: { alice: 'ed25519:!!!!' } } }],
    ['ed25519 key id with a comma', { ed25519: { keys: { 'a,b': alice } } }],
    ['no ed25519 keys', { ed25519: { keys: {} } }],
    ['maxSkew zero', { ed25519: { keys: { alice }, maxSkew: 0 } }],
    ['maxSkew not a number', { ed25519: { keys: { alice }, maxSkew: '300' } }],
    ['mtls not a boolean', { mtls: 'yes' }],
  ];
  it.each(bad)('refuses %s with E_CONFIG', (_, value) => {
    expect(codeOf(() => parseAuthConfig(value))).toBe('E_CONFIG');
  });

  it('names the field at fault', () => {
    expect(errorOf(() => parseAuthConfig({ oidc: [{ issuer: 'https://a', subject: 'dev:{x}' }] })).message).toContain('auth.oidc[0].subject');
    expect(errorOf(() => parseAuthConfig({ ed25519: { keys: { alice }, maxSkew: -1 } })).message).toContain('auth.ed25519.maxSkew');
  });
});
