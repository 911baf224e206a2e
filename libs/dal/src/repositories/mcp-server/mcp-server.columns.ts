import { ColumnOptions, getMetadataArgsStorage, ValueTransformer } from 'typeorm';
import { fromJsonColumn, JSON_COLUMN } from '../../entities/json-column';
import { McpServerEntity } from '../../entities/mcp-server.entity';
import { HIDDEN_SERVER_COLUMNS, McpServerView } from './mcp-server.types';

type RawRow = Record<string, unknown>;

interface ViewColumn {
  property: keyof McpServerView;
  column: string;
  decode: (raw: unknown) => unknown;
}

const hidden: readonly string[] = HIDDEN_SERVER_COLUMNS;

/**
 * The columns of a server view, read from the entity's own mapping: the list is the entity minus
 * HIDDEN_SERVER_COLUMNS, so a new column shows up in reads without being written down again.
 * Raw queries (the list's index-range unions) decode rows as TypeORM would (JSON columns, the
 * entity's transformers).
 */
const VIEW: readonly ViewColumn[] = getMetadataArgsStorage()
  .columns.filter((args) => args.target === McpServerEntity && !hidden.includes(args.propertyName))
  .map((args) => ({
    property: args.propertyName as keyof McpServerView,
    column: args.options.name ?? args.propertyName,
    decode: decoderOf(args.options),
  }));

/** `s.server_id, s.organization_id, ...`: the view's columns on the alias `s`. */
export const VIEW_COLUMNS = VIEW.map(({ column }) => `s.${column}`).join(', ');

/** A raw row of VIEW_COLUMNS as a view. */
export function toView(row: RawRow): McpServerView {
  const view: Record<string, unknown> = {};
  for (const { property, column, decode } of VIEW) view[property] = decode(row[column]);
  return view as unknown as McpServerView;
}

/** The view of a row just written, without reading it back. */
export function viewOfEntity(server: McpServerEntity): McpServerView {
  const view: Record<string, unknown> = {};
  for (const { property } of VIEW) view[property] = server[property];
  return view as unknown as McpServerView;
}

/** How a raw driver value of one column becomes the entity's value (the same on both databases). */
export function decoderOf(options: ColumnOptions): (raw: unknown) => unknown {
  if (options.type === JSON_COLUMN) return fromJsonColumn;
  const transformer = options.transformer as ValueTransformer | undefined;
  if (transformer) return (raw) => transformer.from(raw ?? null);
  switch (options.type) {
    case 'boolean':
      return (raw) => raw === true || Number(raw) === 1;
    case 'int':
      return options.nullable
        ? (raw) => (raw === null || raw === undefined ? null : Number(raw))
        : (raw) => Number(raw ?? options.default ?? 0);
    default:
      return options.nullable ? (raw) => raw ?? null : (raw) => String(raw);
  }
}
