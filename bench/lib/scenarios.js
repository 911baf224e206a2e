'use strict';
// The routes under load and how each request is built (which key, which id, which body).

const { randomBytes } = require('node:crypto');

let createCounter = 0;

function keyHeaders(key) {
  return { 'x-api-key': key };
}

/**
 * Member keys of every organization in turn, each asking for a server it can see (ungrouped or
 * sharing its group), so the visibility subquery and the team lookup both run.
 */
function byIdRequest(fixture) {
  const pairs = [];
  const longest = Math.max(...fixture.tenants.map((tenant) => tenant.memberVisible.length));
  for (let i = 0; i < longest; i += 1) {
    for (const tenant of fixture.tenants) {
      const id = tenant.memberVisible[i % tenant.memberVisible.length];
      pairs.push({ key: tenant.keys.member.key, id });
    }
  }
  return (n) => {
    const { key, id } = pairs[n % pairs.length];
    return { path: `/v1/mcp/server/${id}`, headers: keyHeaders(key) };
  };
}

function listRequest(fixture, role = 'member') {
  const keys = fixture.tenants.map((tenant) => tenant.keys[role].key);
  return (n) => ({ path: '/v1/mcp/server?limit=50', headers: keyHeaders(keys[n % keys.length]) });
}

function configurationsRequest(fixture) {
  const tenants = fixture.tenants;
  return (n) => {
    const tenant = tenants[n % tenants.length];
    return {
      path: `/v1/mcp-configurations?organization_id=${tenant.organizationId}`,
      headers: keyHeaders(tenant.keys.member.key),
    };
  };
}

/** A full registry body with env and credentials (both sealed on write), unique per request. */
function createBody(n) {
  return {
    server_name: `Bench created ${n}`,
    alias: `bench_created_${n}`,
    description: 'Created by the benchmark: env and bearer credentials are encrypted on write.',
    transport: 'streamable_http',
    spec_version: '2025-06-18',
    auth_type: 'bearer_token',
    url: `https://mcp-${n}.created.bench.example.test/mcp`,
    mcp_info: {
      server_name: `Bench created ${n}`,
      description: 'Benchmark server',
      logo_url: 'https://cdn.example.test/logo.png',
      mcp_server_cost_info: {
        default_cost_per_query: 0.001,
        tool_name_to_cost_per_query: { search: 0.002, fetch: 0.001 },
      },
    },
    mcp_access_groups: ['grp_01'],
    env: { API_BASE: 'https://api.example.test', API_TOKEN: randomBytes(12).toString('hex') },
    credentials: { type: 'bearer', token: `tok_${randomBytes(12).toString('hex')}` },
  };
}

function createRequest(fixture) {
  const key = fixture.writes.keys.org_admin.key;
  return () => {
    createCounter += 1;
    return {
      method: 'POST',
      path: '/v1/mcp/server',
      headers: { ...keyHeaders(key), 'content-type': 'application/json' },
      body: JSON.stringify(createBody(createCounter)),
    };
  };
}

function readyRequest() {
  return () => ({ path: '/health/ready', headers: {} });
}

/** name, route label, request factory, and whether the baseline answers it. */
function throughputScenarios(fixture) {
  return [
    {
      name: 'by-id',
      route: 'GET /v1/mcp/server/{id}',
      request: byIdRequest(fixture),
      baseline: true,
    },
    {
      name: 'list',
      route: 'GET /v1/mcp/server?limit=50',
      request: listRequest(fixture),
      baseline: true,
    },
    {
      // The same requests against an app with the list cache off: the same work as the
      // baseline (which has no cache), so this is the like-for-like ratio.
      name: 'list-uncached',
      route: 'GET /v1/mcp/server?limit=50 (list cache off)',
      request: listRequest(fixture),
      baseline: true,
      uncached: true,
    },
    {
      name: 'configurations',
      route: 'GET /v1/mcp-configurations?organization_id=…',
      request: configurationsRequest(fixture),
      baseline: false,
    },
    {
      name: 'create',
      route: 'POST /v1/mcp/server',
      request: createRequest(fixture),
      baseline: false,
    },
    { name: 'ready', route: 'GET /health/ready', request: readyRequest(), baseline: true },
  ];
}

module.exports = {
  throughputScenarios,
  byIdRequest,
  listRequest,
  createBody,
  keyHeaders,
};
