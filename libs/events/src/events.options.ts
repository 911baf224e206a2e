export const EVENTS_MODULE_OPTIONS = Symbol('EVENTS_MODULE_OPTIONS');

export interface EventsModuleOptions {
  /**
   * 'always': this app delivers webhooks and prunes (the health worker); 'when-enabled': only
   * with WEBHOOK_WORKER_ENABLED (the API, default true).
   */
  deliveries: 'always' | 'when-enabled';
}
