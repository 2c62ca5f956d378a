/**
 * A package registry on loopback for the gitseal-review action's install
 * step: it serves the packuments and tarballs it is given and records every
 * request, so a test can show that a registry was used, or never contacted.
 * The tarballs are made with `npm pack` of a tiny package whose bin stands
 * in for gitseal.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface Tarball {
  readonly name: string;
  readonly version: string;
  readonly bytes: Buffer;
  /** The sha512 SRI of the tarball, as `npm view NAME@V dist.integrity` prints it. */
  readonly integrity: string;
}

export interface NpmRegistry {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** Every request's path, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Packs a package `name@version` in `dir` whose bin (`bin/gitseal.mjs`, named `gitseal`) is `script`.
 * npm runs with empty user and global config and touches no registry.
 */
export function packFakePackage(dir: string, name: string, version: string, script: string): Tarball {
  const pkg = join(dir, 'package-src');
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name, version, type: 'module', bin: { gitseal: 'bin/gitseal.mjs' } }));
  writeFileSync(join(pkg, 'bin', 'gitseal.mjs'), script);
  // npm refuses one file as both user and global config.
  const [user, global] = [join(dir, 'empty-user-npmrc'), join(dir, 'empty-global-npmrc')];
  writeFileSync(user, '');
  writeFileSync(global, '');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir, '--userconfig', user, '--globalconfig', global, '--cache', join(dir, 'cache'), '--loglevel', 'error'], { cwd: pkg, env, encoding: 'utf8' });
  const [packed] = JSON.parse(out) as Array<{ filename: string }>;
  const bytes = readFileSync(join(dir, packed!.filename));
  return { name, version, bytes, integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}` };
}

/** Starts a registry on 127.0.0.1 that serves `tarballs`; close() stops it. */
export async function startNpmRegistry(tarballs: readonly Tarball[]): Promise<NpmRegistry> {
  const requests: string[] = [];
  let url = '';
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const name = decodeURIComponent(path.slice(1));
    const versions = tarballs.filter((t) => t.name === name);
    if (versions.length) {
      const packument = {
        name,
        'dist-tags': { latest: versions.at(-1)!.version },
        versions: Object.fromEntries(
          versions.map((t) => [t.version, { name, version: t.version, bin: { gitseal: 'bin/gitseal.mjs' }, dist: { tarball: `${url}${name}/-/${name}-${t.version}.tgz`, integrity: t.integrity } }]),
        ),
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
      return;
    }
    const tarball = tarballs.find((t) => path === `/${t.name}/-/${t.name}-${t.version}.tgz`);
    if (tarball) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarball.bytes);
    else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
