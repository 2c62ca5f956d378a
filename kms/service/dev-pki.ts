/**
 * A throw-away certificate authority for `gitseal serve --dev` and the
 * tests: one CA, a server certificate for localhost / 127.0.0.1 / ::1 and
 * client certificates for mTLS, all ECDSA P-256 made with @peculiar/x509
 * over node's WebCrypto.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;

export interface Pem {
  cert: string;
  key: string;
}

export interface DevCa {
  ca: Pem;
  /** Issues a certificate signed by this CA. */
  issue(commonName: string, usage: 'server' | 'client', hosts?: readonly string[]): Promise<Pem>;
}

const serial = (): string => Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function sanEntries(hosts: readonly string[]): { type: 'ip' | 'dns'; value: string }[] {
  return hosts.map((h) => ({ type: /^[\d.]+$|:/.test(h) ? ('ip' as const) : ('dns' as const), value: h }));
}

/** A new CA valid for `days` (default 30). */
export async function makeDevCa(name = 'gitseal dev CA', days = 30): Promise<DevCa> {
  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + days * DAY);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const ca = { cert: caCert.toString('pem'), key: await keyPem(caKeys.privateKey) };

  async function issue(commonName: string, usage: 'server' | 'client', hosts: readonly string[] = []): Promise<Pem> {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ];
    if (hosts.length) extensions.push(new x509.SubjectAlternativeNameExtension(sanEntries(hosts)));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${commonName}`,
      issuer: caCert.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALG,
      extensions,
    });
    return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
  }
  return { ca, issue };
}

export const LOCAL_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;
