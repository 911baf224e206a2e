import { getMetadataArgsStorage } from 'typeorm';
import { McpServerVersionEntity } from '../../entities/mcp-server-version.entity';
import { decoderOf } from '../mcp-server/mcp-server.columns';

type RawRow = Record<string, unknown>;

/** The version entity's columns, from its own mapping, decoded as TypeORM would. */
const COLUMNS = getMetadataArgsStorage()
  .columns.filter((args) => args.target === McpServerVersionEntity)
  .map((args) => ({
    property: args.propertyName as keyof McpServerVersionEntity,
    column: args.options.name ?? args.propertyName,
    decode: decoderOf(args.options),
  }));

/** `v.organization_id, v.alias_key, ...`: every column on the alias `v`. */
export const VERSION_COLUMNS = COLUMNS.map(({ column }) => `v.${column}`).join(', ');

export function toVersionEntity(row: RawRow): McpServerVersionEntity {
  const entity: Record<string, unknown> = {};
  for (const { property, column, decode } of COLUMNS) entity[property] = decode(row[column]);
  return entity as unknown as McpServerVersionEntity;
}
