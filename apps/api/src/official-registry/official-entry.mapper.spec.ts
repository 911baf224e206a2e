import type { McpServerVersionView } from '@app/dal';
import { OFFICIAL_META, REGISTRY_META, toOfficialServer } from './official-entry.mapper';

const now = new Date('2026-01-02T03:04:05.678Z');

function row(overrides: Partial<McpServerVersionView> = {}): McpServerVersionView {
  return {
    organizationId: 'org_a',
    aliasKey: 'github',
    version: '1.0.0',
    serverId: 'srv-1',
    namespace: 'com.acme',
    alias: 'GitHub',
    status: 'active',
    isLatest: true,
    publishedAt: now,
    updatedAt: now,
    title: 'GitHub MCP',
    description: 'Issues',
    transport: 'streamable_http',
    url: 'https://mcp.example.com/mcp',
    authType: 'none',
    credentialHeader: null,
    command: null,
    args: [],
    envKeys: [],
    logoUrl: null,
    accessGroups: '|eng|',
    hasAccessGroups: true,
    catalogPublic: false,
    health: null,
    ...overrides,
  };
}

const ADMIN = { showConnection: true, showAccessGroups: true };

describe('toOfficialServer', () => {
  it('names the header each auth type needs, never a value', () => {
    const headerOf = (overrides: Partial<McpServerVersionView>) =>
      toOfficialServer(row(overrides), ADMIN).server.remotes?.[0].headers?.map((h) => h.name);
    expect(headerOf({ authType: 'none' })).toBeUndefined();
    expect(headerOf({ authType: 'bearer_token' })).toEqual(['Authorization']);
    expect(headerOf({ authType: 'oauth' })).toEqual(['Authorization']);
    expect(headerOf({ authType: 'basic' })).toEqual(['Authorization']);
    expect(headerOf({ authType: 'authorization' })).toEqual(['Authorization']);
    expect(headerOf({ authType: 'api_key', credentialHeader: 'X-Key' })).toEqual(['X-Key']);
    expect(headerOf({ authType: 'api_key', credentialHeader: null })).toBeUndefined();
  });

  it('keeps the name as stored (alias case) and maps http transports to streamable-http', () => {
    const entry = toOfficialServer(row({ transport: 'http' }), ADMIN);
    expect(entry.server.name).toBe('com.acme/GitHub');
    expect(entry.server.remotes?.[0].type).toBe('streamable-http');
    expect(toOfficialServer(row({ transport: 'sse' }), ADMIN).server.remotes?.[0].type).toBe('sse');
  });

  it('offers a logo as an icon only over HTTPS and within 255 characters', () => {
    const icons = (logoUrl: string) => toOfficialServer(row({ logoUrl }), ADMIN).server.icons;
    expect(icons('https://cdn.example.com/a.svg')).toEqual([
      { src: 'https://cdn.example.com/a.svg', mimeType: 'image/svg+xml' },
    ]);
    expect(icons('https://cdn.example.com/logo')).toEqual([
      { src: 'https://cdn.example.com/logo' },
    ]);
    expect(icons('http://cdn.example.com/a.png')).toBeUndefined();
    expect(icons(`https://cdn.example.com/${'a'.repeat(250)}.png`)).toBeUndefined();
  });

  it('shows a tombstone without connection and health; viewers never get the connection', () => {
    const deleted = toOfficialServer(row({ status: 'deleted' }), ADMIN);
    expect(deleted.server.remotes).toBeUndefined();
    expect(deleted._meta[OFFICIAL_META]).toEqual({
      status: 'deleted',
      publishedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      isLatest: true,
    });
    const viewer = toOfficialServer(
      row({ health: { status: 'healthy', lastHealthCheck: now, toolsFingerprint: 'abc' } }),
      { showConnection: false, showAccessGroups: false },
    );
    expect(viewer.server.remotes).toBeUndefined();
    expect(viewer._meta[REGISTRY_META]).toEqual({
      serverId: 'srv-1',
      status: 'healthy',
      lastHealthCheck: now.toISOString(),
      toolsFingerprint: 'abc',
    });
  });
});
