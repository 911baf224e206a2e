import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, Min } from 'class-validator';
import { IsCostMap } from './registry-fields';

export class McpServerCostInfoDto {
  @ApiPropertyOptional({ minimum: 0, default: 0, example: 0.01 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  default_cost_per_query?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number', minimum: 0 },
    example: { search: 0.02 },
  })
  @IsOptional()
  @IsCostMap()
  tool_name_to_cost_per_query?: Record<string, number>;
}
