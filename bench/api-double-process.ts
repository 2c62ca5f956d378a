/**
 * The Kubernetes API double (test/k8s/api-double.ts) as a process of its own, for the controller
 * benchmark: the bench then shares no event loop with the API server it measures against.
 *   node --import tsx bench/api-double-process.ts --kubeconfig PATH [--history N]
 * Listens on 127.0.0.1 (a free port), writes a kubeconfig for it to PATH, prints one line
 *   api-double ready on http://127.0.0.1:PORT
 * and runs until SIGTERM or SIGINT. --history: changes kept for watch replay and consistent paged lists
 * (the double's default, 1,000, when absent).
 */
import { startApiDouble, type ApiDoubleOptions } from '../test/k8s/api-double.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const kubeconfig = option('--kubeconfig');
if (!kubeconfig) {
  console.error('usage: node --import tsx bench/api-double-process.ts --kubeconfig PATH [--history N]');
  process.exit(2);
}
const history = option('--history');
const opts: ApiDoubleOptions = history ? { historySize: Number(history) } : {};

const k8s = await startApiDouble(opts);
k8s.writeKubeconfig(kubeconfig);
// The request log grows by one record per request and nothing here reads it: keep it empty.
setInterval(() => k8s.requests.splice(0), 1_000).unref();

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void k8s.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log(`api-double ready on ${k8s.url}`);
