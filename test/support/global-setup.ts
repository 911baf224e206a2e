import { ensureTestDatabase } from './test-database';

// Runs once before the e2e suites: a MySQL DATABASE_URL must be reachable (never skipped).
export default async function globalSetup(): Promise<void> {
  await ensureTestDatabase();
}
