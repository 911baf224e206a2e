export * from './principal';
export * from './decorators/auth.decorators';
export * from './audit/audit.service';
export * from './audit/audit.module';
