import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsSecretString } from './secret-string.validator';

export const DEFAULT_API_KEY_HEADER = 'X-API-Key';
/** RFC 9110 token characters: anything else could not be sent as a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `auth_type: api_key`: sent as `<header_name>: <api_key>`. */
export class ApiKeyCredentialsDto {
  @ApiPropertyOptional({ enum: ['api_key'] })
  @IsOptional()
  @IsIn(['api_key'])
  type?: 'api_key';

  @ApiProperty({ writeOnly: true })
  @IsSecretString()
  api_key!: string;

  @ApiPropertyOptional({ default: DEFAULT_API_KEY_HEADER })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(HEADER_NAME, { message: 'must be a valid HTTP header name' })
  header_name?: string;
}
