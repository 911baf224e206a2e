/** One number from a query against a suite's database (SQLite file or MySQL), read from outside the app. */
export async function queryNumber(databaseUrl: string, sql: string): Promise<number> {
  if (databaseUrl.startsWith('sqlite:')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the package ships no types
    const Database = require('better-sqlite3') as new (
      file: string,
      options: { readonly: boolean },
    ) => { prepare(sql: string): { get(): unknown }; close(): void };
    const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true });
    try {
      const row = db.prepare(sql).get() as Record<string, unknown>;
      return Number(Object.values(row)[0]);
    } finally {
      db.close();
    }
  }
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({ uri: databaseUrl });
  try {
    const [rows] = await connection.query(sql);
    return Number(Object.values((rows as Record<string, unknown>[])[0])[0]);
  } finally {
    await connection.end();
  }
}
