export * from './principal';
export * from './decorators/auth.decorators';
