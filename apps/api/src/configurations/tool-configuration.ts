import type { ToolConfiguration } from '@app/dal';
import type { ToolConfigurationDto } from './dto/tool-configuration.dto';

/** A configuration's tool settings as stored; left out means tools off, none allowed. */
export function toToolConfiguration(dto: ToolConfigurationDto | undefined): ToolConfiguration {
  if (!dto) return { enabled: false, allowed_tools: [] };
  return { enabled: dto.enabled, allowed_tools: [...(dto.allowed_tools ?? [])] };
}

/** Equal settings (allowed tools in the same order), so a PATCH that sends them changes nothing. */
export function sameToolConfiguration(a: ToolConfiguration, b: ToolConfiguration): boolean {
  return (
    a.enabled === b.enabled &&
    a.allowed_tools.length === b.allowed_tools.length &&
    a.allowed_tools.every((tool, index) => tool === b.allowed_tools[index])
  );
}
