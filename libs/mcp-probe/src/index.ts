export { credentialHeaders } from './credential-headers.util';
export { McpProber } from './mcp.prober';
export type { McpProberOptions } from './mcp.prober';
export type { LookupAll } from './http-target.resolver';
export { addressRefusal, classifyAddress } from './target-address.policy';
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
