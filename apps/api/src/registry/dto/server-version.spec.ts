import { isServerVersion } from './registry-fields';

describe('isServerVersion', () => {
  it('accepts SemVer and other plain release names', () => {
    for (const ok of ['1.0.0', '2.0.0-rc.1+build.7', '2024.11', 'v3', '1_0']) {
      expect([ok, isServerVersion(ok)]).toEqual([ok, true]);
    }
  });

  it('refuses latest, ranges, separators and over-long values', () => {
    for (const bad of [
      'latest',
      'LATEST',
      '1.x',
      '1.X.0',
      '^1.2.3',
      '~1.2',
      '>=1',
      '1.*',
      '1/2',
      '',
      ' 1',
      'a'.repeat(65),
      1,
    ]) {
      expect([bad, isServerVersion(bad)]).toEqual([bad, false]);
    }
  });
});
