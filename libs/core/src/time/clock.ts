/**
 * Where the app reads the time for decisions that tests must be able to move forward without
 * waiting: API key expiry and the key cache's TTL. Injected by class (AppConfigModule provides
 * the system clock unless the app is built with another one); plain classes take it as an
 * optional constructor argument that defaults to the system clock.
 */
export abstract class Clock {
  /** Milliseconds since the epoch, like Date.now(). */
  abstract now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };
