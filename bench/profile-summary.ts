/**
 * Top self-time functions of a V8 .cpuprofile (from `node --cpu-prof ...`), for finding where a
 * benchmark's time goes:
 *   node --cpu-prof --cpu-prof-dir=prof dist/gitseal.mjs encrypt s10000.yaml -o out.yaml
 *   node --import tsx bench/profile-summary.ts prof/*.cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** esbuild marks each bundled module with a `// path/to/module.ts` line: map a bundle line to its source module. */
const sourceOf = (() => {
  const cache = new Map<string, string[] | null>();
  return (url: string, line: number): string | null => {
    if (!url.startsWith('file://')) return null;
    if (!cache.has(url)) {
      try {
        cache.set(url, readFileSync(fileURLToPath(url), 'utf8').split('\n'));
      } catch {
        cache.set(url, null);
      }
    }
    const lines = cache.get(url);
    if (!lines) return null;
    for (let i = Math.min(line, lines.length - 1); i >= 0; i--) {
      const m = /^\/\/ ((?:node_modules\/)?[\w@./-]+\.[cm]?[jt]s)$/.exec(lines[i]!);
      if (m) return m[1]!.replace(/^node_modules\//, '');
    }
    return null;
  };
})();

export function summarise(file: string, top = 25): string[] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byModule = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const n = byId.get(id);
    if (!n) return;
    const f = n.callFrame;
    const src = sourceOf(f.url, f.lineNumber);
    const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}${src ? ` (${src})` : ''}` : '';
    const key = `${f.functionName || '(anonymous)'}  ${where}`.trim();
    // timeDeltas[i] is the time since the previous sample; attribute the next delta to this sample.
    const dt = p.timeDeltas[i + 1] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    const mod = src ?? (f.url.startsWith('node:') || (!f.url.includes('/') && f.url) ? 'node internals' : f.url ? basename(f.url) : f.functionName || '(other)');
    byModule.set(mod, (byModule.get(mod) ?? 0) + dt);
  });
  const total = (p.endTime - p.startTime) / 1000;
  const fmt = ([k, us]: [string, number]) => `  ${(us / 1000).toFixed(1).padStart(8)} ms ${((us / 1000 / total) * 100).toFixed(1).padStart(5)}%  ${k}`;
  return [
    `${basename(file)}: ${total.toFixed(0)} ms profiled; top functions by self time:`,
    ...[...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(fmt),
    'self time by source module:',
    ...[...byModule].sort((a, b) => b[1] - a[1]).slice(0, Math.ceil(top / 2)).map(fmt),
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const top = Number(args.find((a) => /^top=\d+$/.test(a))?.slice(4) ?? 25);
  for (const f of args.filter((a) => !a.startsWith('top='))) console.log(summarise(f, top).join('\n'));
}
