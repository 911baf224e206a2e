'use strict';
// A deterministic, realistic tool list for the fingerprinting benchmark: every tool has a title,
// a description of a few hundred characters, an input schema of 3 to 8 described properties (some
// with enums, defaults, bounds, one nested object in five), annotations, and an output schema one
// in four: about 1.3 KB of JSON each, like the tools of the larger public MCP servers.

const WORDS = (
  'repository issue pull request branch commit file folder search query filter label ' +
  'milestone project user team review comment status check workflow run job artifact ' +
  'release tag page cursor limit sort order state open closed merged draft'
).split(' ');

function words(seed, count) {
  const out = [];
  for (let i = 0; i < count; i++) out.push(WORDS[(seed * 7 + i * 13) % WORDS.length]);
  return out.join(' ');
}

function property(seed, index) {
  const kind = (seed + index) % 5;
  const base = { description: `The ${words(seed + index, 6)} to use.` };
  if (kind === 0) return { ...base, type: 'string', minLength: 1, maxLength: 256 };
  if (kind === 1) return { ...base, type: 'integer', minimum: 1, maximum: 100, default: 30 };
  if (kind === 2) return { ...base, type: 'string', enum: ['open', 'closed', 'all'] };
  if (kind === 3) return { ...base, type: 'boolean', default: false };
  return {
    ...base,
    type: 'object',
    properties: {
      field: { type: 'string', description: `Nested ${words(seed, 3)}.` },
      direction: { type: 'string', enum: ['asc', 'desc'] },
    },
    required: ['field'],
  };
}

/** The `index`th tool; `revision` > 0 changes its description (a drifted version). */
function tool(index, revision = 0) {
  const count = 3 + (index % 6);
  const properties = {};
  for (let i = 0; i < count; i++)
    properties[`${WORDS[(index + i) % WORDS.length]}_${i}`] = property(index, i);
  const definition = {
    name: `tool_${String(index).padStart(3, '0')}_${WORDS[index % WORDS.length]}`,
    title: `Tool ${index}: ${words(index, 3)}`,
    description:
      `${words(index, 40)}. Returns the ${words(index + 1, 12)} as JSON.` +
      (revision > 0 ? ` Revision ${revision}.` : ''),
    inputSchema: {
      type: 'object',
      properties,
      required: Object.keys(properties).slice(0, 2),
      additionalProperties: false,
    },
    annotations: { readOnlyHint: index % 3 !== 0, openWorldHint: true },
  };
  if (index % 4 === 0) {
    definition.outputSchema = {
      type: 'object',
      properties: { items: { type: 'array', items: { type: 'object' } }, next: { type: 'string' } },
    };
  }
  return definition;
}

/** `count` tools; tool 0 at `revision` (so a server can drift on demand). */
function toolSet(count, revision = 0) {
  return Array.from({ length: count }, (_, index) => tool(index, index === 0 ? revision : 0));
}

module.exports = { toolSet };
