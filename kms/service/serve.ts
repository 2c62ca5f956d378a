/**
 * Wires the rewrap service together from its configuration: root of trust
 * → keyring → unwrap workers, the writers it knows and its own writer key,
 * policy file, audit log (keyed by the audit key the root unseals) and its
 * signed checkpoints, authenticators, metrics and the HTTPS server.
 * `close()` stops them in reverse order; the last checkpoint is signed after
 * the last record is written.
 */
import { readFileSync } from 'node:fs';
import { wipe } from '../../core/bytes.js';
import { formatWriter, writerFromSecret } from '../../core/crypto/writer-key.js';
import { fail } from '../../core/errors.js';
import { openAuditKey } from './audit-key.js';
import { AuditLog } from './audit-log.js';
import { Checkpointer } from './checkpoint.js';
import { authenticate, createAuthenticators } from '../auth/index.js';
import { Keyring } from './keyring.js';
import { jsonLogger, type Logger } from '../../runtime/log.js';
import { PolicyFile } from './policy-file.js';
import { RewrapService } from './rewrap-service.js';
import { openRoot } from '../roots/index.js';
import { startRewrapServer, type RunningServer } from './https-server.js';
import type { ServiceConfig } from './service-config.js';
import { serviceMetrics } from './service-metrics.js';
import { readServiceWriterKey, type ServiceWriterKey } from './service-writer-key.js';
import { ServiceWriters } from './service-writers.js';
import { SignService } from './sign-service.js';
import { UnwrapPool } from './unwrap-pool.js';
import { WriterCheck } from './writer-check.js';

export interface RunningService extends RunningServer {
  keyring: Keyring;
  policy: PolicyFile;
  audit: AuditLog;
  checkpoints: Checkpointer;
  kemBackend: string;
}

export interface StartOptions {
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Overrides listen.port (tests pass 0). */
  port?: number;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return fail('E_IO', `cannot read the ${what} ${file}`);
  }
}

export async function startService(config: ServiceConfig, opts: StartOptions = {}): Promise<RunningService> {
  const log = opts.log ?? jsonLogger();
  const env = opts.env ?? process.env;
  const tls = {
    cert: readPem(config.tls.cert, 'TLS certificate'),
    key: readPem(config.tls.key, 'TLS key'),
    ...(config.tls.clientCa ? { clientCa: readPem(config.tls.clientCa, 'client CA') } : {}),
    requireClientCert: config.tls.requireClientCert,
  };
  const cleanup: (() => Promise<void> | void)[] = [];
  const undo = async (): Promise<void> => {
    for (const f of cleanup.reverse()) await f();
  };
  let own: ServiceWriterKey | null = null;
  try {
    own = config.writerKey ? readServiceWriterKey(config.writerKey) : null;
    const writers = new ServiceWriters(config.writers, own?.key ?? null);
    const policy = await PolicyFile.load(config.policy, (e) => log(e.level, e.msg));
    cleanup.push(() => policy.close());
    const root = await openRoot(config.root, env);
    cleanup.push(() => root.close());
    // The audit key is unsealed once, at start: a root that refuses now leaves nothing to audit with, so the service does not start.
    const auditKey = await openAuditKey(config.audit, root);
    const audit = await AuditLog.open(config.audit, { key: auditKey }).finally(() => wipe(auditKey));
    cleanup.push(() => audit.close());
    // The checkpoint signer keeps the writer key in this thread for the service's life (ML-DSA and Ed25519 key objects, not wipeable).
    const checkpoints = new Checkpointer(audit, own ? writerFromSecret(own.secret) : null, {
      onCheckpoint: (cp) => log('info', 'audit checkpoint', { seq: cp.seq, head: cp.head, time: cp.time, writerKid: cp.writerKid }),
    });
    cleanup.push(() => void checkpoints.close());
    const pool = await UnwrapPool.start({ ...(config.workers ? { threads: config.workers } : {}), backend: config.kemBackend });
    cleanup.push(() => pool.close());
    await pool.setWriters(writers.keys());
    if (own) await pool.setSigner(own.secret);
    const keyring = await Keyring.open(config.keys, root, pool, {
      checkIntervalMs: config.root.checkInterval * 1000,
      log: (e) => log(e.level, e.msg, { kid: typeof e['kid'] === 'string' ? e['kid'] : undefined, reason: typeof e['reason'] === 'string' ? e['reason'] : undefined }),
    });
    cleanup.push(() => keyring.close());
    const authenticators = createAuthenticators(config.auth);
    cleanup.push(async () => {
      for (const a of authenticators) await a.close?.();
    });
    const metrics = serviceMetrics(() => keyring);
    const server = await startRewrapServer(
      {
        tls,
        limits: config.limits,
        authenticate: (req) => authenticate(authenticators, req),
        service: new RewrapService(keyring, pool, () => policy.current(), audit, new WriterCheck(writers)),
        signer: new SignService(keyring, pool, own?.key ?? null, () => policy.current(), audit),
        writerKey: own ? { kid: own.key.kid, key: formatWriter(own.key) } : null,
        keyring,
        policy: () => policy.current(),
        audit,
        auditHead: () => checkpoints.latest(),
        metrics,
        log,
      },
      config.listen.host,
      opts.port ?? config.listen.port,
    );
    log('info', 'rewrap service listening', { url: server.url, root: root.description, kemBackend: pool.backend(), keyState: keyring.state, writerKid: own?.key.kid });
    return {
      ...server,
      keyring,
      policy,
      audit,
      checkpoints,
      kemBackend: pool.backend(),
      close: async () => {
        await server.close();
        await undo();
      },
    };
  } catch (e) {
    await undo();
    throw e;
  } finally {
    if (own) wipe(own.secret);
  }
}
