import { ApiProperty } from '@nestjs/swagger';

export class ServerToolDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
}
