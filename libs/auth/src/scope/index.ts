export * from './organization-scope.resolver';
export * from './server-visibility';
