import type { TestApp } from './test-app';

/** Swagger UI and the OpenAPI document: public documentation, not API routes. */
export const DOCUMENTATION = /^\/(docs|openapi\.json)/;

/**
 * Every route Fastify registered, as `'METHOD /path/:param'`, read from its route tree print
 * (each line is a path segment under its parent, with the methods registered at that node).
 */
export function registeredRoutes(t: TestApp): string[] {
  const tree = t.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const parents: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    const parent = parents[depth - 1] ?? '';
    // A wildcard under a path prints as a bare `*` child: the route is `<path>/*`.
    const segment = match[2] === '*' && parent !== '' && !parent.endsWith('/') ? '/*' : match[2];
    const path = parent + segment;
    parents[depth] = path;
    parents.length = depth + 1;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim())) {
      if (method && method !== 'HEAD' && method !== 'OPTIONS' && !DOCUMENTATION.test(path)) {
        routes.push(`${method} ${path}`);
      }
    }
  }
  return [...new Set(routes)].sort();
}
