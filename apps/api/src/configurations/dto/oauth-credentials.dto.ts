import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  ValidateBy,
  isISO8601,
} from 'class-validator';
import { IsSecretString } from './secret-string.validator';

/** An ISO-8601 instant or Unix seconds, the two forms OAuth clients commonly store. */
function IsExpiry() {
  return ValidateBy({
    name: 'isExpiry',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'string' && isISO8601(value, { strict: true })) ||
        (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0),
      defaultMessage: () => 'must be an ISO-8601 timestamp or Unix seconds',
    },
  });
}

/** `auth_type: oauth`: the access token is sent as `Authorization: Bearer <access_token>`. */
export class OAuthCredentialsDto {
  @ApiPropertyOptional({ enum: ['oauth'] })
  @IsOptional()
  @IsIn(['oauth'])
  type?: 'oauth';

  @ApiProperty({ writeOnly: true })
  @IsSecretString()
  access_token!: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptional()
  @IsSecretString()
  refresh_token?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 instant or Unix seconds' })
  @IsOptional()
  @IsExpiry()
  expires_at?: string | number;

  @ApiPropertyOptional({ format: 'uri' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @IsUrl(
    { protocols: ['https'], require_protocol: true, require_tld: false, disallow_auth: true },
    { message: 'must be an HTTPS URL' },
  )
  token_url?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  client_id?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptional()
  @IsSecretString()
  client_secret?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(256, { each: true })
  scopes?: string[];
}
