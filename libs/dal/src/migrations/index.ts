import type { MigrationInterface } from 'typeorm';
import { Foundation1763900000000 } from './1763900000000-foundation';
import { McpConfigurations1763900100000 } from './1763900100000-mcp-configurations';
import { McpServers1763900200000 } from './1763900200000-mcp-servers';
import { RegistryVisibilityIndex1763900400000 } from './1763900400000-registry-visibility-index';
import { AccessGroupOrder1763900500000 } from './1763900500000-access-group-order';
import { RegistryRevisions1763900600000 } from './1763900600000-registry-revisions';
import { ServerIdPerOrganization1763900700000 } from './1763900700000-server-id-per-organization';
import { ConfigurationVersions1763900800000 } from './1763900800000-configuration-versions';
import { OAuthRefresh1763901420000 } from './1763901420000-oauth-refresh';
import { ProbeProtocolEra1763901500000 } from './1763901500000-probe-protocol-era';
import { ToolBaselines1764100000000 } from './1764100000000-tool-baselines';
import { ToolListingDigest1764100100000 } from './1764100100000-tool-listing-digest';
import { OfficialRegistry1764200000000 } from './1764200000000-official-registry';
import { ChangeFeed1764300000000 } from './1764300000000-change-feed';

/** Every migration, in order. Both databases run this one list. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Foundation1763900000000,
  McpConfigurations1763900100000,
  McpServers1763900200000,
  RegistryVisibilityIndex1763900400000,
  AccessGroupOrder1763900500000,
  RegistryRevisions1763900600000,
  ServerIdPerOrganization1763900700000,
  ConfigurationVersions1763900800000,
  OAuthRefresh1763901420000,
  ProbeProtocolEra1763901500000,
  ToolBaselines1764100000000,
  ToolListingDigest1764100100000,
  OfficialRegistry1764200000000,
  ChangeFeed1764300000000,
];
