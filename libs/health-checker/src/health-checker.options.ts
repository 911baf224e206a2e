export const HEALTH_CHECKER_OPTIONS = Symbol('HEALTH_CHECKER_OPTIONS');

export interface HealthCheckerOptions {
  /**
   * `when-enabled`: the background checker runs when HEALTH_WORKER_ENABLED is true (the API).
   * `always`: it runs whatever that says (the dedicated health worker exists for nothing else).
   */
  background: 'when-enabled' | 'always';
}
