import { ApiProperty } from '@nestjs/swagger';

export class UnhealthyServerDto {
  @ApiProperty() server_id!: string;
  @ApiProperty() server_name!: string;
  @ApiProperty() organization_id!: string;
  @ApiProperty({ type: String, nullable: true }) health_check_error!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The failure kind (README: Health checks), e.g. unreachable, auth_failed',
  })
  health_check_error_kind!: string | null;
  @ApiProperty({ type: String, nullable: true }) last_health_check!: string | null;
}
