import { HealthCheckerModule } from '@app/health-checker';

/**
 * The API's one instance of the checker library: the registry and configurations modules (probe
 * routes) and the health module (summary, metrics) import this same object, so Nest builds one
 * ProbeRunner, one set of probe metrics and at most one background checker (when
 * HEALTH_WORKER_ENABLED, the default).
 */
export const ApiHealthCheckerModule = HealthCheckerModule.forRoot({ background: 'when-enabled' });
