import { applyDecorators } from '@nestjs/common';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

export const MAX_SECRET_LENGTH = 8192;

/**
 * A credential value: a non-empty string without CR, LF or NUL, which would otherwise let a
 * stored value inject extra headers when it is sent to the MCP server.
 */
export function IsSecretString(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    IsNotEmpty(),
    MaxLength(MAX_SECRET_LENGTH),
    Matches(/^[^\r\n\0]*$/, { message: 'must not contain line breaks or NUL characters' }),
  );
}
