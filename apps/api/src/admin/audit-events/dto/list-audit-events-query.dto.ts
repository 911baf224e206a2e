import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { OrganizationPageQueryDto } from '../../dto/organization-id-query.dto';

export class ListAuditEventsQueryDto extends OrganizationPageQueryDto {
  @ApiPropertyOptional({ example: 'api_key.create' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ example: 'api_key' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  resource_type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  resource_id?: string;
}
