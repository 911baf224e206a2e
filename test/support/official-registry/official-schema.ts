import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from './official-registry.schema.json';

/**
 * Every answer of the official registry API checked against the official schemas (JSON Schema
 * 2020-12, as openapi.yaml declares), with ajv in strict mode and the `uri`/`date-time` formats.
 * The counts say how much was checked; each spec prints them when it ends.
 */
// strictRequired off: the official PositionalArgument names `valueHint`/`value` in `anyOf`
// branches as `required` beside the properties that define them (valid JSON Schema).
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(schema);

function validator(name: string): ValidateFunction {
  const validate = ajv.getSchema(`${schema.$id}#/$defs/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate;
}

const serverList = validator('ServerList');
const serverResponse = validator('ServerResponse');
const notFound = validator('NotFound');

export const schemaCounts = { responses: 0, entries: 0, notFound: 0 };

function check(validate: ValidateFunction, body: unknown, what: string): void {
  if (!validate(body)) {
    throw new Error(
      `${what} does not validate against the official schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`,
    );
  }
}

/** A `ServerList` answer; each of its entries is also checked as a `ServerResponse`. */
export function expectServerList(body: unknown): void {
  check(serverList, body, 'ServerList');
  const servers = (body as { servers: unknown[] }).servers;
  for (const entry of servers) check(serverResponse, entry, 'ServerResponse entry');
  schemaCounts.responses += 1;
  schemaCounts.entries += servers.length;
}

/** A `ServerResponse` answer (one version). */
export function expectServerResponse(body: unknown): void {
  check(serverResponse, body, 'ServerResponse');
  schemaCounts.responses += 1;
  schemaCounts.entries += 1;
}

/** The official 404 body, exactly. */
export function expectOfficialNotFound(res: { status: number; body: unknown }): void {
  if (res.status !== 404) throw new Error(`expected 404, got ${res.status}`);
  check(notFound, res.body, '404 body');
  expect(res.body).toEqual({ error: 'Server not found' });
  schemaCounts.responses += 1;
  schemaCounts.notFound += 1;
}

/** One line per spec with what it validated (summed in the issue note). */
export function reportSchemaCounts(spec: string): void {
  process.stdout.write(
    `[official-schema] ${spec}: ${schemaCounts.responses} responses, ${schemaCounts.entries} entries, ${schemaCounts.notFound} 404 bodies validated\n`,
  );
}

/** Every schema of the fixture compiles (strict mode refuses unknown keywords). */
export function officialSchemaNames(): string[] {
  return Object.keys(schema.$defs);
}
