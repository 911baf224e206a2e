import {
  defaultRegistryNamespace,
  isChosenRegistryNamespace,
  lookupOfNamespace,
  registryNamespaceOf,
} from './registry-namespace';

describe('registry namespaces', () => {
  it('derives the default from the organization id, and reads it back to the id', () => {
    expect(defaultRegistryNamespace('org_xyz789')).toBe('org-xyz789');
    expect(registryNamespaceOf({ id: 'org_ABC123', registryNamespace: null })).toBe('org-ABC123');
    expect(registryNamespaceOf({ id: 'org_abc', registryNamespace: 'com.acme' })).toBe('com.acme');
    expect(lookupOfNamespace('org-ABC123')).toEqual({
      kind: 'default',
      organizationId: 'org_ABC123',
    });
  });

  it('accepts chosen namespaces in reverse-DNS form only, never one like a default', () => {
    for (const ok of ['com.acme', 'io.github.acme-corp', 'a.b', 'org.example']) {
      expect([ok, isChosenRegistryNamespace(ok)]).toEqual([ok, true]);
      expect(lookupOfNamespace(ok)).toEqual({ kind: 'chosen', namespace: ok });
    }
    for (const bad of [
      'acme',
      'Com.Acme',
      'com..acme',
      '-a.b',
      'a-.b',
      'org-abc',
      `${'a'.repeat(99)}.b`,
    ]) {
      expect([bad, isChosenRegistryNamespace(bad)]).toEqual([bad, false]);
    }
    expect(lookupOfNamespace('not valid')).toEqual({ kind: 'none' });
    expect(lookupOfNamespace('acme')).toEqual({ kind: 'none' });
  });
});
