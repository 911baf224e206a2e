import { createSuiteDatabase, suiteDatabaseKind } from './test-database';
import { TcpProxy } from './tcp-proxy';

/** A MySQL suite database the app reaches only through a TcpProxy the test controls. */
export interface ProxiedDatabase {
  /** DATABASE_URL for the app: through the proxy. */
  url: string;
  /** The same database without the proxy (for checks made while the proxy is paused or reset). */
  directUrl: string;
  proxy: TcpProxy;
  /** Stops the proxy and drops the database. */
  drop(): Promise<void>;
}

export async function createProxiedDatabase(): Promise<ProxiedDatabase> {
  if (suiteDatabaseKind() !== 'mysql') {
    throw new Error('createProxiedDatabase needs a mysql:// DATABASE_URL');
  }
  const database = await createSuiteDatabase();
  const direct = new URL(database.url);
  const proxy = new TcpProxy(direct.hostname, Number(direct.port || 3306));
  const port = await proxy.start();
  const viaProxy = new URL(database.url);
  viaProxy.host = `127.0.0.1:${port}`;
  return {
    url: viaProxy.toString(),
    directUrl: database.url,
    proxy,
    drop: async () => {
      await proxy.stop();
      await database.drop();
    },
  };
}
