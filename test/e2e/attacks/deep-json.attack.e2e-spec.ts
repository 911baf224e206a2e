import { MAX_JSON_DEPTH } from '@app/core';
import { HttpResult, startTestApp, TestApp } from '../../support/test-app';

interface Operation {
  method: string;
  path: string;
  /** Top-level properties of the JSON request body, when the document declares one. */
  fields: string[];
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];
/** Well past the ~1,400 levels that used to overflow the stack (500). */
const HOSTILE_DEPTH = 5_000;

const arrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const objects = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);

/**
 * Issue 11, item 7: JSON nested deeper than MAX_JSON_DEPTH is a 400 VALIDATION_ERROR on every
 * route that takes a body, at the top level and inside each field, refused by the body parser
 * before anything walks it. The routes come from the OpenAPI document, so a new route is covered
 * without touching this file.
 */
describe('attack: deeply nested JSON bodies', () => {
  let t: TestApp;
  let operations: Operation[];

  beforeAll(async () => {
    t = await startTestApp();
    const doc = (await t.request('GET', '/openapi.json', { key: null })).body;
    operations = [];
    for (const [template, methods] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(methods)) {
        if (!WRITE_METHODS.includes(method)) continue;
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        const resolved = schema?.$ref
          ? doc.components.schemas[schema.$ref.split('/').pop()]
          : schema;
        operations.push({
          method: method.toUpperCase(),
          path: template.replace(/\{[^}]+\}/g, 'probe-id'),
          fields: Object.keys(resolved?.properties ?? {}),
        });
      }
    }
  });
  afterAll(async () => {
    await t.close();
  });

  function send(operation: Operation, body: string): Promise<HttpResult> {
    return t.request(operation.method, operation.path, {
      rawBody: body,
      headers: { 'content-type': 'application/json' },
    });
  }

  function expectDepthRefusal(res: HttpResult, field: string, where: string): string[] {
    const wrong: string[] = [];
    if (res.status !== 400) wrong.push(`${where}: ${res.status}`);
    else {
      const error = res.body?.error;
      if (error?.code !== 'VALIDATION_ERROR') wrong.push(`${where}: code ${error?.code}`);
      if (error?.details?.fields?.[0]?.field !== field) {
        wrong.push(`${where}: field ${JSON.stringify(error?.details?.fields)}`);
      }
      if (error?.trace_id !== res.headers.get('x-request-id')) wrong.push(`${where}: trace_id`);
    }
    return wrong;
  }

  it('covers every write route of the OpenAPI document, and every body route', () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
    expect(operations.filter((operation) => operation.fields.length > 0).length).toBeGreaterThan(8);
  });

  it('refuses a deep body at the top level on every write route', async () => {
    const wrong: string[] = [];
    for (const operation of operations) {
      const where = `${operation.method} ${operation.path}`;
      wrong.push(
        ...expectDepthRefusal(await send(operation, arrays(HOSTILE_DEPTH)), 'body', where),
      );
      const deepObject = await send(operation, objects(HOSTILE_DEPTH));
      wrong.push(...expectDepthRefusal(deepObject, 'a', `${where} (objects)`));
    }
    expect(wrong).toEqual([]);
  });

  it('refuses a deep value inside each field of every body route, naming the field', async () => {
    const wrong: string[] = [];
    let cases = 0;
    for (const operation of operations) {
      for (const field of operation.fields) {
        const body = `{"${field}":${arrays(HOSTILE_DEPTH)}}`;
        const where = `${operation.method} ${operation.path} .${field}`;
        wrong.push(...expectDepthRefusal(await send(operation, body), field, where));
        cases += 1;
      }
    }
    expect(cases).toBeGreaterThan(40);
    expect(wrong).toEqual([]);
  });

  it('lets a body nested exactly to the limit through to the route', async () => {
    const wrong: string[] = [];
    for (const operation of operations.filter((candidate) => candidate.fields.length > 0)) {
      const body = `{"${operation.fields[0]}":${arrays(MAX_JSON_DEPTH - 1)}}`;
      const res = await send(operation, body);
      if (res.status >= 500 || /nested deeper/.test(res.text)) {
        wrong.push(
          `${operation.method} ${operation.path}: ${res.status} ${res.text.slice(0, 120)}`,
        );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses it without a key too, before authentication reads anything', async () => {
    const res = await t.request('POST', '/v1/mcp/server', {
      key: null,
      rawBody: `{"mcp_info":${arrays(HOSTILE_DEPTH)}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('mcp_info');
  });
});
