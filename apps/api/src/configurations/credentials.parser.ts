import { createValidationPipe, ValidationError } from '@app/core';
import type { McpAuthType } from '@app/dal';
import { ApiKeyCredentialsDto, DEFAULT_API_KEY_HEADER } from './dto/api-key-credentials.dto';
import { BearerTokenCredentialsDto } from './dto/bearer-token-credentials.dto';
import type { McpCredentials } from './dto/mcp-credentials';
import { OAuthCredentialsDto } from './dto/oauth-credentials.dto';

const CREDENTIAL_CLASSES = {
  bearer_token: BearerTokenCredentialsDto,
  api_key: ApiKeyCredentialsDto,
  oauth: OAuthCredentialsDto,
} as const;

const pipe = createValidationPipe();

/**
 * Validates `credentials` against the auth type they are for (the DTO pipe cannot: on PATCH the
 * auth type may come from the stored row) and normalizes them. Errors name the inner field, e.g.
 * `credentials.token`, and never echo a value.
 *
 * Returns null for "no credentials" (auth_type none), undefined when none were sent and none
 * are required.
 */
export async function parseCredentials(
  authType: McpAuthType,
  raw: Record<string, unknown> | null | undefined,
  options: { required: boolean },
): Promise<McpCredentials | null | undefined> {
  if (authType === 'none') {
    const extra = raw ? Object.keys(raw) : [];
    if (extra.length > 0) {
      throw new ValidationError(
        extra.map((key) => ({
          field: `credentials.${key}`,
          message: 'is not allowed when auth_type is none',
        })),
      );
    }
    return null;
  }
  if (raw === undefined || raw === null) {
    if (!options.required) return undefined;
    throw ValidationError.field('credentials', `are required when auth_type is ${authType}`);
  }
  let dto: BearerTokenCredentialsDto | ApiKeyCredentialsDto | OAuthCredentialsDto;
  try {
    dto = await pipe.transform(raw, { type: 'body', metatype: CREDENTIAL_CLASSES[authType] });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const fields = (error.details?.fields ?? []) as { field: string; message: string }[];
    throw new ValidationError(
      fields.map((item) => ({ field: `credentials.${item.field}`, message: item.message })),
    );
  }
  return normalize(authType, dto);
}

function normalize(
  authType: Exclude<McpAuthType, 'none'>,
  dto: BearerTokenCredentialsDto | ApiKeyCredentialsDto | OAuthCredentialsDto,
): McpCredentials {
  switch (authType) {
    case 'bearer_token':
      return { type: 'bearer', token: (dto as BearerTokenCredentialsDto).token };
    case 'api_key': {
      const apiKey = dto as ApiKeyCredentialsDto;
      return {
        type: 'api_key',
        api_key: apiKey.api_key,
        header_name: apiKey.header_name ?? DEFAULT_API_KEY_HEADER,
      };
    }
    case 'oauth': {
      const oauth = dto as OAuthCredentialsDto;
      // Built field by field so nothing but validated fields is ever sealed.
      const result: McpCredentials = { type: 'oauth', access_token: oauth.access_token };
      if (oauth.refresh_token !== undefined) result.refresh_token = oauth.refresh_token;
      if (oauth.expires_at !== undefined) result.expires_at = oauth.expires_at;
      if (oauth.token_url !== undefined) result.token_url = oauth.token_url;
      if (oauth.client_id !== undefined) result.client_id = oauth.client_id;
      if (oauth.client_secret !== undefined) result.client_secret = oauth.client_secret;
      if (oauth.scopes !== undefined) result.scopes = [...oauth.scopes];
      return result;
    }
  }
}
