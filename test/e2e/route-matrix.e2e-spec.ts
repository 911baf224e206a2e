import { ModulesContainer } from '@nestjs/core';
import { IS_PUBLIC, ROLES, ROLES_KEY, Role } from '@app/auth';
import { createKey, createOrg } from '../support/factories';
import { ROUTE_EXPECTATIONS, RouteExpectation } from '../support/route-expectations';
import { registeredRoutes, DOCUMENTATION } from '../support/routes';
import { startTestApp, TestApp } from '../support/test-app';

const PARAM_VALUE = 'does_not_exist';

function concretePath(route: string): string {
  return route
    .slice(route.indexOf(' ') + 1)
    .replace(/:[A-Za-z0-9_]+/g, PARAM_VALUE)
    .replace(/\*/g, PARAM_VALUE);
}

function isAllowed(expectation: RouteExpectation, role: Role): boolean {
  return 'public' in expectation || role === 'platform_admin' || expectation.roles.includes(role);
}

describe('route × role matrix', () => {
  let t: TestApp;
  let routes: string[];
  const keys = new Map<Role, string>();

  beforeAll(async () => {
    t = await startTestApp();
    routes = registeredRoutes(t);
    const org = await createOrg(t);
    keys.set('platform_admin', t.adminKey);
    for (const role of ROLES.filter((r) => r !== 'platform_admin')) {
      keys.set(role, (await createKey(t, { organizationId: org.organization_id, role })).key);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('reads the routes of the running app', () => {
    expect(routes).toEqual(
      expect.arrayContaining(['GET /v1/me', 'POST /v1/api-keys/:keyId/rotate']),
    );
  });

  it('has an expected access entry for every route, and no entry for a route that is gone', () => {
    const missing = routes.filter((route) => !(route in ROUTE_EXPECTATIONS));
    const stale = Object.keys(ROUTE_EXPECTATIONS).filter((route) => !routes.includes(route));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('declares @Public() or @Roles() on every handler (closed by default)', () => {
    const controllers = [...t.app.get(ModulesContainer).values()].flatMap((module) => [
      ...module.controllers.values(),
    ]);
    expect(controllers.length).toBeGreaterThan(0);
    const undeclared: string[] = [];
    let handlers = 0;
    for (const wrapper of controllers) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!controller || DOCUMENTATION.test(wrapper.name)) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        if (Reflect.getMetadata('method', handler) === undefined) continue;
        handlers += 1;
        const declared = [handler, controller].some(
          (target) =>
            Reflect.getMetadata(IS_PUBLIC, target) !== undefined ||
            Reflect.getMetadata(ROLES_KEY, target) !== undefined,
        );
        if (!declared) undeclared.push(`${controller.name}.${name}`);
      }
    }
    expect(handlers).toBeGreaterThanOrEqual(routes.length);
    expect(undeclared).toEqual([]);
  });

  it('answers every route without a key with 401 unless it is public', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const expectation = ROUTE_EXPECTATIONS[route];
      if (!expectation) continue;
      const method = route.split(' ')[0];
      const res = await t.request(method, concretePath(route), {
        key: null,
        body: ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined,
      });
      const isPublic = 'public' in expectation;
      if (isPublic ? res.status === 401 || res.status === 403 : res.status !== 401) {
        wrong.push(`${route} without a key: ${res.status}`);
      } else if (!isPublic && res.body?.error?.code !== 'AUTHENTICATION_REQUIRED') {
        wrong.push(`${route} without a key: ${res.body?.error?.code}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(ROLES.map((role) => [role]))(
    'answers every route for a %s key with 403 exactly when the role is not allowed',
    async (role) => {
      const wrong: string[] = [];
      for (const route of routes) {
        const expectation = ROUTE_EXPECTATIONS[route];
        if (!expectation) continue;
        const method = route.split(' ')[0];
        const res = await t.request(method, concretePath(route), {
          key: keys.get(role as Role)!,
          body: ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined,
        });
        const allowed = isAllowed(expectation, role as Role);
        if (res.status === 401) wrong.push(`${route} as ${role}: 401 ${res.body?.error?.code}`);
        else if (allowed && res.status === 403) wrong.push(`${route} as ${role}: 403 but allowed`);
        else if (!allowed && res.status !== 403) {
          wrong.push(`${route} as ${role}: ${res.status} but not allowed`);
        } else if (!allowed && res.body?.error?.code !== 'INSUFFICIENT_PERMISSIONS') {
          wrong.push(`${route} as ${role}: ${res.body?.error?.code}`);
        }
      }
      expect(wrong).toEqual([]);
    },
  );
});
