import { describe, expect, it } from 'vitest';
import { dataDigest, pagedList, slimEncryptedSecret, slimSecret } from './slim-objects.js';

describe('slim cache objects', () => {
  it('a data digest ignores key order and tells any change of key or value', () => {
    expect(dataDigest({ a: 'QQ==', b: 'Qg==' })).toBe(dataDigest({ b: 'Qg==', a: 'QQ==' }));
    expect(dataDigest({ a: 'QQ==' })).not.toBe(dataDigest({ a: 'Qg==' }));
    expect(dataDigest({ ab: 'c' })).not.toBe(dataDigest({ a: 'bc' }));
    expect(dataDigest(undefined)).toBe(dataDigest({}));
  });

  it('a Secret keeps its metadata and gitseal managedFields entries, and a digest instead of its data', () => {
    const s = slimSecret({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', managedFields: [{ manager: 'gitseal', operation: 'Apply' }, { manager: 'kubectl', operation: 'Update' }] },
      data: { password: 'cHc=' },
    } as never) as { data?: unknown; dataDigest?: string; metadata: { name: string; managedFields?: unknown[] } };
    expect(s.data).toBeUndefined();
    expect(s.dataDigest).toBe(dataDigest({ password: 'cHc=' }));
    expect(s.metadata.managedFields).toEqual([{ manager: 'gitseal', operation: 'Apply' }]);
    expect(slimSecret(s as never)).toMatchObject({ dataDigest: dataDigest({ password: 'cHc=' }) }); // slimming twice keeps the digest
  });

  it('an EncryptedSecret keeps metadata and status, not the spec', () => {
    const o = slimEncryptedSecret({ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', metadata: { name: 'db', generation: 2, managedFields: [{}] }, spec: { layout: 'v1.x' }, status: { observedGeneration: 2 } } as never);
    expect(o).toEqual({ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', metadata: { name: 'db', generation: 2 }, status: { observedGeneration: 2 } });
  });

  it('lists in pages, following both spellings of the continue token, and keeps the resourceVersion', async () => {
    const pages = [
      { items: [{ metadata: { name: 'a' } }], metadata: { continue: 't1', resourceVersion: '10' } },
      { items: [{ metadata: { name: 'b' } }], metadata: { _continue: 't2', resourceVersion: '10' } },
      { items: [{ metadata: { name: 'c' } }], metadata: { resourceVersion: '10' } },
    ];
    const asked: (string | undefined)[] = [];
    const list = await pagedList(
      async (cont, limit) => {
        expect(limit).toBe(2);
        asked.push(cont);
        return pages[asked.length - 1]!;
      },
      (o) => ({ ...o, slim: true }),
      2,
    );
    expect(asked).toEqual([undefined, 't1', 't2']);
    expect(list).toEqual({ items: ['a', 'b', 'c'].map((name) => ({ metadata: { name }, slim: true })), metadata: { resourceVersion: '10' } });
  });
});
