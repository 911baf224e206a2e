import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RedeliverWebhookDto {
  @ApiPropertyOptional({
    minimum: 0,
    example: 41,
    description:
      'Deliver again every event after this sequence (still stored); default: resume at the event that failed',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}
