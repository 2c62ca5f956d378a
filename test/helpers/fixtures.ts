/** Plaintext inputs shared by the end-to-end tests. Each keeps comments, quoting and odd spacing on purpose: decrypt must give back every byte. */

/** A Secret with stringData and data, comments, a quoted value, a block scalar and a flow mapping. */
export const SECRET = `# Database credentials for the payments service.
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: payments
  labels: {app: payments}
type: Opaque
stringData:
  username: payments_app
  password: "correct horse battery staple"   # rotated quarterly
  host: db.payments.svc
  port: "5432"
  dsn: |
    postgres://payments_app@db.payments.svc:5432/payments?sslmode=require
data:
  tls.key: c2VjcmV0LWtleS1tYXRlcmlhbA==
`;

/** Helm-style values: numbers, booleans, null, a list, nesting, an anchor and alias, no trailing newline. */
export const GENERIC_YAML = `# values for the api chart
apiVersion: example.com/v1
kind: AppConfig
metadata:
  name: api
replicas: 3
debug: false
nothing: ~
defaults: &defaults
  timeout: 30s
  retries: 5
service:
  <<: *defaults
  url: 'https://api.internal:8443/v2'
  tags: [blue, "green", 3]
token: s3cr3t-t0k3n
empty: ""`;

export const JSON_DOC = `{
  "apiKey": "sk-live-1234567890",
  "limits": { "rpm": 600, "burst": 1.5, "enabled": true },
  "hosts": ["a.example", "b.example"],
  "owner": null
}
`;

/** Three documents: a Secret, a generic ConfigMap-like object and a second Secret; explicit end marker. */
export const MULTI = `# first
apiVersion: v1
kind: Secret
metadata: {name: one, namespace: ns1}
stringData:
  a: "first value"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data:
  key: value   # trailing comment
  list: [1, 2, three]
---
apiVersion: v1
kind: Secret
metadata:
  name: two
  namespace: ns2
data:
  b: Yg==
...
`;

/** A Secret with five values, one per line, for diff-stability tests. */
export const FIVE_VALUE_SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: app
  namespace: prod
type: Opaque
stringData:
  username: admin
  password: "hunter2-original"
  api-token: tok-aaaaaaaaaaaa
  region: eu-west-1
data:
  cert: Y2VydGlmaWNhdGUtYnl0ZXM=
`;

/** Billion-laughs: nine levels of nine aliases, about 387 million strings when expanded; each line indented by `indent`. */
export function aliasBomb(indent = ''): string {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  const lines = [`${indent}a: &a "lol"`];
  for (let i = 1; i < names.length; i++) lines.push(`${indent}${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

export const SECRET_HEADER = `apiVersion: v1
kind: Secret
metadata:
  name: bomb
  namespace: default
`;

/** The lines of an encrypted YAML file that hold one value each (`    t.TOKEN: v1.CIPHERTEXT`). */
export const valueLines = (enc: string): string[] => enc.split('\n').filter((l) => /^ {4}t\.[\w-]+: v1\./.test(l));
