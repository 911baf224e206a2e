export * from './health-checker.module';
export * from './health-checker.options';
export * from './checker-timing';
export * from './health-checker.service';
export * from './health-metrics';
export * from './probe-outcome';
export * from './probe-runner';
export * from './server-probe.service';
