/**
 * What follows `/v0.1/servers/` in the official registry API: `{serverName}/versions` or
 * `{serverName}/versions/{version}`, with the name's slash URL-encoded (`com.acme%2Fgithub`) as
 * the specification asks, or sent as is (the router hands both over decoded, as one text).
 */
export interface OfficialPath {
  namespace: string;
  alias: string;
  /** Absent: the list of versions. `latest`: the current one. */
  version?: string;
}

const NAMESPACE = /^[a-zA-Z0-9.-]{1,100}$/;
const ALIAS = /^[a-zA-Z0-9._-]{1,100}$/;
const VERSION = /^[^/\s]{1,255}$/;

/** The parts of a decoded path, or null when it names nothing the API serves (a 404). */
export function parseOfficialPath(rest: string): OfficialPath | null {
  const parts = rest.split('/');
  if (parts[parts.length - 1] === '') parts.pop();
  if (parts.length < 3 || parts.length > 4 || parts[2] !== 'versions') return null;
  const [namespace, alias, , version] = parts;
  if (!NAMESPACE.test(namespace) || !ALIAS.test(alias)) return null;
  if (version !== undefined && !VERSION.test(version)) return null;
  return version === undefined ? { namespace, alias } : { namespace, alias, version };
}
