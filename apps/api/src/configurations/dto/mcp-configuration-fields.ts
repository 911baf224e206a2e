import { applyDecorators } from '@nestjs/common';
import { IsNotEmpty, IsString, IsUrl, MaxLength } from 'class-validator';
import { MAX_URL_LENGTH } from '../../shared/url-limits';

export const MAX_NAME_LENGTH = 128;
export { MAX_URL_LENGTH };

export function IsConfigurationName(): PropertyDecorator {
  return applyDecorators(IsString(), IsNotEmpty(), MaxLength(MAX_NAME_LENGTH));
}

/**
 * HTTPS only, and no `user:password@` part: a secret in the URL would be stored in clear text
 * and returned to every reader.
 */
export function IsServerUrl(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MaxLength(MAX_URL_LENGTH),
    IsUrl(
      {
        protocols: ['https'],
        require_protocol: true,
        require_tld: false,
        disallow_auth: true,
        validate_length: false,
      },
      { message: 'must be an HTTPS URL (https://…, without user:password@)' },
    ),
  );
}
