import { parseOfficialPath } from './official-path';

describe('parseOfficialPath', () => {
  it('reads a name (its slash decoded) and the versions routes', () => {
    expect(parseOfficialPath('com.acme/github/versions')).toEqual({
      namespace: 'com.acme',
      alias: 'github',
    });
    expect(parseOfficialPath('com.acme/github/versions/1.0.0+build')).toEqual({
      namespace: 'com.acme',
      alias: 'github',
      version: '1.0.0+build',
    });
    expect(parseOfficialPath('org-abc/my_server/versions/latest/')).toEqual({
      namespace: 'org-abc',
      alias: 'my_server',
      version: 'latest',
    });
  });

  it('refuses anything else', () => {
    for (const rest of [
      '',
      'com.acme',
      'com.acme/github',
      'com.acme/github/tools',
      'com.acme/github/versions/1.0.0/extra',
      'com acme/github/versions',
      'com.acme/git hub/versions',
      `com.acme/${'a'.repeat(101)}/versions`,
    ]) {
      expect(parseOfficialPath(rest)).toBeNull();
    }
  });
});
