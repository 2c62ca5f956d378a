/** The recorded exchanges (test/k8s/recorded/README.md describes the format) and loading them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The copy committed with the project, so a clean clone replays them too. */
export const COPIED_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'recorded');
/** Where the recordings from the real kube-apiserver are kept, beside the repository, when it is there. */
export const SHARED_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'k8s-recorded');
/** The recordings replayed: the shared ones when present, else the committed copy. */
export const RECORDED_DIR = existsSync(SHARED_DIR) ? SHARED_DIR : COPIED_DIR;

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  contentType: string | null;
  /** Set when the request asked for another representation (application/yaml). */
  accept?: string;
  /** Parsed JSON, or the text of a non-JSON body. */
  body: unknown;
}

export interface RecordedResponse {
  status: number;
  contentType?: string;
  body?: unknown;
  warning?: string;
}

export interface StreamEnd {
  how: 'end' | 'aborted';
}

export interface Exchange {
  request: RecordedRequest;
  response: RecordedResponse;
  note?: string;
  /** Watch exchanges: every line of the stream, parsed. */
  events?: unknown[];
  streamEnd?: StreamEnd;
}

export interface Recording {
  /** The file name without .json. */
  name: string;
  scenario: string;
  exchanges: Exchange[];
  /** What kubectl printed, by command line (cr-map-key-order). */
  kubectlOutput?: Record<string, string>;
}

export function loadRecording(name: string): Recording {
  const raw = JSON.parse(readFileSync(join(RECORDED_DIR, `${name}.json`), 'utf8')) as Omit<Recording, 'name'>;
  return { name, ...raw };
}

export const recordingNames = (): string[] =>
  readdirSync(RECORDED_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();

export const isWatch = (x: Exchange): boolean => x.events !== undefined;
