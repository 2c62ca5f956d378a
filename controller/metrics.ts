/** The controller's metrics (examples/monitoring uses exactly these names). */
import { Counter, Gauge, Histogram, Registry } from '../runtime/metrics.js';

export interface ControllerMetrics {
  registry: Registry;
  reconciles: Counter;
  failures: Counter;
  syncDuration: Histogram;
}

const SYNC_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function controllerMetrics(read: { objects(): { ready: number; notReady: number }; isLeader(): boolean; queueDepth(): number }): ControllerMetrics {
  const registry = new Registry();
  const m: ControllerMetrics = {
    registry,
    reconciles: registry.add(new Counter('gitseal_controller_reconcile_total', 'Reconciles by result: applied, unchanged or error')),
    failures: registry.add(new Counter('gitseal_controller_decrypt_failures_total', 'Failed reconciles by condition reason')),
    syncDuration: registry.add(new Histogram('gitseal_controller_sync_duration_seconds', 'From an EncryptedSecret change seen to its Secret written', SYNC_BUCKETS)),
  };
  registry.add(
    new Gauge('gitseal_controller_objects', 'EncryptedSecrets by Ready', function* () {
      const o = read.objects();
      yield [{ ready: 'true' }, o.ready];
      yield [{ ready: 'false' }, o.notReady];
    }),
  );
  registry.add(new Gauge('gitseal_controller_is_leader', '1 when this replica leads and writes', function* () {
    yield [{}, read.isLeader() ? 1 : 0];
  }));
  registry.add(new Gauge('gitseal_controller_workqueue_depth', 'Keys waiting in the work queue', function* () {
    yield [{}, read.queueDepth()];
  }));
  // prom-client's names, so dashboards for other Node.js services work: memory is what sizing the Deployment needs.
  registry.add(new Gauge('process_resident_memory_bytes', 'Resident memory size in bytes', function* () {
    yield [{}, process.memoryUsage.rss()];
  }));
  registry.add(new Gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes', function* () {
    yield [{}, process.memoryUsage().heapUsed];
  }));
  return m;
}
