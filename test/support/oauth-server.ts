import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';

/**
 * A small real OAuth 2.0 authorization server (RFC 6749) on 127.0.0.1 over HTTPS (the registry
 * only talks to token endpoints over TLS; trust the pair with MCP_CA_FILE, see `testTls()`).
 * `POST /token` serves the refresh_token grant (with rotation: a refresh token works once) and
 * the client_credentials grant, authenticating clients by HTTP Basic or in the body. It counts
 * every call, and MCP servers ask it whether a bearer token is valid (`isValid`).
 */
export interface OAuthServerOptions {
  tls: { key: string; cert: string };
  /** Lifetime of issued access tokens (seconds, sent as expires_in). Default 3600. */
  accessTokenTtlS?: number;
  /** Issue a new refresh token on every refresh and refuse the old one (default true). */
  rotateRefreshTokens?: boolean;
  /** Holds every token answer this long (a slow server, to make racing refreshes overlap). */
  delayMs?: number;
}

export interface TokenCall {
  grantType: string | null;
  /** How the client authenticated: basic, post, or none (public client). */
  clientAuth: 'basic' | 'post' | 'none';
  clientId: string | null;
  params: Record<string, string>;
  status: number;
}

export interface RunningOAuthServer {
  tokenUrl: string;
  /** Every POST /token, in order. */
  readonly calls: TokenCall[];
  /** Calls of one grant type. */
  callsOf(grantType: string): TokenCall[];
  /** Registers a confidential client (a secret) or a public one (no secret). */
  addClient(clientId: string, clientSecret?: string): void;
  /** Mints an access token directly, expiring in `ttlS` seconds (negative: already expired). */
  issueAccessToken(ttlS?: number): string;
  /** Mints a refresh token for `clientId` (as if an authorization code had been exchanged). */
  issueRefreshToken(clientId: string): string;
  revokeRefreshToken(refreshToken: string): void;
  /** The access tokens issued by grants, newest last. */
  readonly issuedAccessTokens: string[];
  /** True while the access token exists and has not expired. */
  isValid(accessToken: string): boolean;
  close(): Promise<void>;
}

export async function startOAuthServer(options: OAuthServerOptions): Promise<RunningOAuthServer> {
  const ttlS = options.accessTokenTtlS ?? 3600;
  const rotate = options.rotateRefreshTokens ?? true;
  const clients = new Map<string, string | null>();
  const accessTokens = new Map<string, number>();
  const refreshTokens = new Map<string, string>();
  const calls: TokenCall[] = [];
  const issued: string[] = [];

  const mintAccess = (lifetimeS: number): string => {
    const token = `at_${randomBytes(18).toString('base64url')}`;
    accessTokens.set(token, Date.now() + lifetimeS * 1000);
    return token;
  };
  const mintRefresh = (clientId: string): string => {
    const token = `rt_${randomBytes(18).toString('base64url')}`;
    refreshTokens.set(token, clientId);
    return token;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const params = Object.fromEntries(new URLSearchParams(raw));
    const call: TokenCall = {
      grantType: params.grant_type ?? null,
      clientAuth: 'none',
      clientId: null,
      params,
      status: 0,
    };
    calls.push(call);
    const answer = (status: number, body: Record<string, unknown>): void => {
      call.status = status;
      const send = () => {
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(body));
      };
      if (options.delayMs) setTimeout(send, options.delayMs);
      else send();
    };
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/token') {
      answer(404, { error: 'not_found' });
      return;
    }
    const client = authenticate(req, params, clients, call);
    if (client === 'invalid') {
      answer(401, { error: 'invalid_client' });
      return;
    }
    if (params.grant_type === 'refresh_token') {
      const owner = refreshTokens.get(params.refresh_token ?? '');
      if (owner === undefined || (client !== null && owner !== client)) {
        answer(400, { error: 'invalid_grant', error_description: 'refresh token is not valid' });
        return;
      }
      const body: Record<string, unknown> = {
        access_token: mintAccess(ttlS),
        token_type: 'Bearer',
        expires_in: ttlS,
      };
      if (rotate) {
        refreshTokens.delete(params.refresh_token);
        body.refresh_token = mintRefresh(owner);
      }
      issued.push(body.access_token as string);
      answer(200, body);
      return;
    }
    if (params.grant_type === 'client_credentials') {
      if (client === null || clients.get(client) === null) {
        answer(401, { error: 'invalid_client' });
        return;
      }
      const token = mintAccess(ttlS);
      issued.push(token);
      answer(200, { access_token: token, token_type: 'bearer', expires_in: ttlS });
      return;
    }
    answer(400, { error: 'unsupported_grant_type' });
  };

  const server: Server = createServer(
    { key: options.tls.key, cert: options.tls.cert },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    tokenUrl: `https://127.0.0.1:${port}/token`,
    calls,
    callsOf: (grantType) => calls.filter((call) => call.grantType === grantType),
    addClient: (clientId, clientSecret) => clients.set(clientId, clientSecret ?? null),
    issueAccessToken: (lifetimeS = ttlS) => mintAccess(lifetimeS),
    issueRefreshToken: (clientId) => mintRefresh(clientId),
    revokeRefreshToken: (token) => refreshTokens.delete(token),
    issuedAccessTokens: issued,
    isValid: (token) => (accessTokens.get(token) ?? 0) > Date.now(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The client of a token request: its id when it authenticated (or, public, named itself), null
 * when it did neither, 'invalid' for a wrong secret or an unknown client.
 */
function authenticate(
  req: IncomingMessage,
  params: Record<string, string>,
  clients: Map<string, string | null>,
  call: TokenCall,
): string | null | 'invalid' {
  const header = req.headers.authorization ?? '';
  let id: string | undefined;
  let secret: string | undefined;
  if (/^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    call.clientAuth = 'basic';
  } else if (params.client_id !== undefined) {
    id = params.client_id;
    secret = params.client_secret;
    call.clientAuth = secret === undefined ? 'none' : 'post';
  }
  if (id === undefined) return null;
  call.clientId = id;
  if (!clients.has(id)) return 'invalid';
  const expected = clients.get(id);
  if (expected === null) return secret === undefined ? id : 'invalid';
  return secret === expected ? id : 'invalid';
}
