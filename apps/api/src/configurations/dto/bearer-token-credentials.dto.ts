import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsSecretString } from './secret-string.validator';

/** `auth_type: bearer_token`: sent as `Authorization: Bearer <token>`. */
export class BearerTokenCredentialsDto {
  @ApiPropertyOptional({ enum: ['bearer'] })
  @IsOptional()
  @IsIn(['bearer'])
  type?: 'bearer';

  @ApiProperty({ writeOnly: true })
  @IsSecretString()
  token!: string;
}
