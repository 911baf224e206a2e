import type { AppClient } from '../test-app';
import { expectServerList, expectServerResponse } from './official-schema';

/** A name as the official paths want it: URL-encoded, slash included. */
export function encodedName(name: string): string {
  return encodeURIComponent(name);
}

/** GET a ServerList route, expect 200 and a valid body. */
export async function officialList(
  t: AppClient,
  path: string,
  key?: string | null,
): Promise<{ servers: any[]; metadata: { count: number; nextCursor?: string } }> {
  const res = await t.request('GET', path, { key });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
  expectServerList(res.body);
  return res.body;
}

/** GET one version, expect 200 and a valid body. */
export async function officialVersion(
  t: AppClient,
  name: string,
  version: string,
  key?: string | null,
  prefix = '/v0.1',
): Promise<any> {
  const path = `${prefix}/servers/${encodedName(name)}/versions/${encodeURIComponent(version)}`;
  const res = await t.request('GET', path, { key });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
  expectServerResponse(res.body);
  return res.body;
}

/** Every page of a list, following metadata.nextCursor. */
export async function allPages(
  t: AppClient,
  path: string,
  key?: string | null,
  startCursor?: string,
): Promise<{ pages: number; servers: any[] }> {
  const servers: any[] = [];
  let pages = 0;
  let cursor: string | undefined = startCursor;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await officialList(
      t,
      cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path,
      key,
    );
    pages += 1;
    servers.push(...page.servers);
    cursor = page.metadata.nextCursor;
    if (pages > 1000) throw new Error('too many pages');
  } while (cursor);
  return { pages, servers };
}
