import { matchesTypes, typePatternProblem, typesMatching } from './event-types';

describe('event type patterns', () => {
  it('names types exactly, by resource, or all of them', () => {
    expect(typesMatching(['team.*', 'api_key.revoked'])).toEqual([
      'api_key.revoked',
      'team.changed',
    ]);
    expect(typesMatching([])).toHaveLength(12);
    expect(typesMatching(['*'])).toHaveLength(12);
    expect(matchesTypes('mcp_server.health_changed', ['mcp_server.*'])).toBe(true);
    expect(matchesTypes('mcp_configuration.created', ['mcp_server.*'])).toBe(false);
  });

  it('refuses what names no event type', () => {
    expect(typePatternProblem('mcp_server.created')).toBeNull();
    expect(typePatternProblem('webhook.*')).toBeNull();
    for (const bad of ['server.created', 'mcp_server.', 'mcp_*', '*.created', 'team.changed ']) {
      expect(typePatternProblem(bad)).toMatch(/is not an event type/);
    }
  });
});
