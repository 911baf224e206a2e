/** Credentials as stored (sealed) and returned by `/credentials`, normalized per auth_type. */
export type McpCredentials =
  | { type: 'bearer'; token: string }
  | { type: 'api_key'; api_key: string; header_name: string }
  | {
      type: 'oauth';
      access_token: string;
      refresh_token?: string;
      expires_at?: string | number;
      token_url?: string;
      client_id?: string;
      client_secret?: string;
      scopes?: string[];
    };
