export default async function globalTeardown(): Promise<void> {
  // Nothing is shared across suites: each suite owns its database and closes it itself.
}
