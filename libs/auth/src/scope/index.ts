export * from './organization-scope.resolver';
