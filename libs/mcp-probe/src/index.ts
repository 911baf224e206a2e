export {
  credentialHeaders,
  DEFAULT_API_KEY_HEADER,
  HEADER_NAME_PATTERN,
  UNSAFE_HEADER_VALUE,
} from './credential-headers.util';
export { McpProber } from './mcp.prober';
export { staticCredentials } from './probe-credentials';
export type { ProbeCredentials } from './probe-credentials';
export { OAuthTokenClient } from './oauth/token-client';
export type { OAuthTokenClientOptions } from './oauth/token-client';
export { OAUTH_GRANT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from './oauth/oauth-grant';
export type {
  IssuedToken,
  OAuthGrantType,
  TokenEndpointAuthMethod,
  TokenRequest,
} from './oauth/oauth-grant';
export { ProbeFailure } from './probe-failure.error';
export { DEFAULT_PROBE_LIMITS } from './probe-budget';
export type { ProbeLimits } from './probe-budget';
export { SecretRedactor } from './secret-redactor';
export { MAX_TOOL_DESCRIPTION_LENGTH, MAX_TOOL_NAME_LENGTH, MAX_TOOLS } from './tool-listing';
export {
  fingerprintedDefinition,
  MAX_TOOL_DEFINITION_DEPTH,
  toolFingerprint,
  toolSetFingerprint,
} from './tool-fingerprint';
export type { ToolDefinition, ToolObject } from './tool-fingerprint';
export type { McpProberOptions } from './mcp.prober';
export { resolveHttpTarget } from './http-target.resolver';
export type { LookupAll, ResolvedHttpTarget } from './http-target.resolver';
export {
  isBareCommandName,
  isRefusedStdioEnvName,
  STDIO_REFUSED_ENV_DESCRIPTION,
  stdioCommandProblem,
  stdioEnvProblems,
  stdioLaunchProblems,
} from './stdio-launch.policy';
export type { StdioLaunchProblem } from './stdio-launch.policy';
export { addressRefusal, classifyAddress, parseIpAddress } from './target-address.policy';
export type { AddressCategory, AddressPolicy } from './target-address.policy';
export type {
  ProbeErrorKind,
  ProbePolicy,
  ProbeResult,
  ProbeServerInfo,
  ProbeStatus,
  ProbeTarget,
  ProbeTool,
  ProbeTransport,
} from './probe.types';
