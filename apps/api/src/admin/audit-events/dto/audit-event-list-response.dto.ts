import { ApiProperty } from '@nestjs/swagger';
import { PaginationResponseDto } from '@app/core';
import { AuditEventResponseDto } from './audit-event-response.dto';

export class AuditEventListResponseDto {
  @ApiProperty({ type: [AuditEventResponseDto] })
  audit_events!: AuditEventResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination!: PaginationResponseDto;
}
