import { ApiProperty } from '@nestjs/swagger';

export class ProbeToolDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
}
