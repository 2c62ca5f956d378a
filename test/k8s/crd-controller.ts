/**
 * What the apiextensions apiserver does when a CRD changes: serve (or stop
 * serving) its custom resources at once and, as its CRD controllers do
 * moments after the write, accept its names and mark it Established, in a
 * status write by manager "kube-apiserver". Here that write comes right
 * after the CRD's own write is answered, before anything else is served.
 */
import { crdControllerStatus, crdResourceTypes } from './crd.js';
import type { Obj } from './errors.js';
import type { Registry } from './registry.js';
import type { Catalog } from './resources.js';
import { isObj } from './schema.js';
import type { Change, Store } from './store.js';
import { metaOf, str } from './values.js';

const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

function crdStorageKey(crd: Obj | undefined): string | undefined {
  const spec = crd && isObj(crd.spec) ? crd.spec : undefined;
  const names = spec && isObj(spec.names) ? spec.names : undefined;
  return spec && names ? `${String(spec.group)}/${String(names.plural)}` : undefined;
}

function establish(catalog: Catalog, registry: Registry, name: string): void {
  const rt = catalog.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  if (!rt) return;
  try {
    registry.update(rt, undefined, name, 'status', { manager: 'kube-apiserver', dryRun: false }, 'put', false, (live) => {
      const crd = live ?? {};
      return { obj: { ...crd, status: crdControllerStatus(crd) ?? crd.status } };
    });
  } catch {
    // Deleted or changed meanwhile; the next change establishes it.
  }
}

export function serveCrds(store: Store, catalog: Catalog, registry: Registry): void {
  store.onChange((c: Change) => {
    if (c.key !== CRD_KEY) return;
    for (const key of [crdStorageKey(c.prev), crdStorageKey(c.obj)]) if (key) catalog.remove((t) => t.storageKey === key);
    if (c.type === 'DELETED') return;
    for (const rt of crdResourceTypes(c.obj)) catalog.add(rt);
    const name = str(metaOf(c.obj).name) ?? '';
    if (crdControllerStatus(c.obj)) queueMicrotask(() => establish(catalog, registry, name));
  });
}
