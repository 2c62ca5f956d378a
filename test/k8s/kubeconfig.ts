/** Kubeconfig text for the double: one cluster, one token user, one context (namespace default). */
import { stringify } from 'yaml';

export const tokenFor = (user: string): string => `api-double-token:${user}`;

export function userFromAuthorization(header: string | undefined): string | undefined {
  const m = /^Bearer api-double-token:(.+)$/.exec(header ?? '');
  return m?.[1];
}

/** `caPem`: what clients must trust when the server is https (its CA, or its self-signed certificate). */
export function kubeconfigText(server: string, user = 'test-user', caPem?: string): string {
  // client-node refuses plain http unless TLS verification is marked off (there is no TLS to verify).
  const cluster = caPem ? { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } : { server, 'insecure-skip-tls-verify': true };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'api-double', cluster }],
    users: [{ name: user, user: { token: tokenFor(user) } }],
    contexts: [{ name: 'api-double', context: { cluster: 'api-double', user, namespace: 'default' } }],
    'current-context': 'api-double',
    preferences: {},
  });
}
