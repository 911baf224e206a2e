import { Injectable, Logger } from '@nestjs/common';
import { ForbiddenError, InternalError, NotFoundError } from '@app/core';
import { AuditService, OrganizationScopeResolver, Principal, Role } from '@app/auth';
import { SecretBox, SecretDecryptionError, UnknownEncryptionKeyError } from '@app/crypto';
import { McpConfigurationEntity, McpConfigurationRepository } from '@app/dal';
import type { McpCredentials } from '../shared/credentials/credentials.schema';
import { configurationCredentialsAad, MCP_CONFIGURATION_RESOURCE } from './configuration-secrets';

const CREDENTIALS_READ = 'mcp_configuration.credentials.read';
/** Who may read decrypted credentials (API.md §3); every other role is refused, and audited. */
const CREDENTIAL_READERS: readonly Role[] = ['platform_admin', 'org_admin', 'service'];
/** A requested id is recorded as sent only when it looks like an id (bounded, no odd characters). */
const AUDITABLE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const INVALID_ID = '(invalid id)';

/** The one read of a configuration's decrypted credentials (API.md §3): who may, and its audit. */
@Injectable()
export class ConfigurationCredentialsService {
  private readonly logger = new Logger(ConfigurationCredentialsService.name);

  constructor(
    private readonly configurations: McpConfigurationRepository,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
    private readonly scopes: OrganizationScopeResolver,
  ) {}

  /** Decrypted credentials for service and admin keys; every call is audited, failures too. */
  async read(
    principal: Principal,
    id: string,
  ): Promise<{ row: McpConfigurationEntity; credentials: McpCredentials | null }> {
    if (!CREDENTIAL_READERS.includes(principal.role)) {
      await this.auditRefusedRead(principal, id, 'role_not_allowed');
      throw new ForbiddenError('Only service and admin keys may read decrypted credentials');
    }
    // A configuration id is unique, so a platform admin reaches it in any organization.
    const scope = this.scopes.recordScope(principal, undefined, 'MCP configuration');
    const row = await this.configurations.findById(scope, id);
    if (!row) {
      await this.auditRefusedRead(principal, id, 'not_found');
      throw new NotFoundError('MCP configuration');
    }
    let credentials: McpCredentials | null = null;
    let failure: SecretDecryptionError | undefined;
    if (row.credentialsSealed !== null) {
      try {
        credentials = this.secretBox.openJson<McpCredentials>(
          row.credentialsSealed,
          configurationCredentialsAad(row.id, row.organizationId),
        );
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        failure = error;
      }
    }
    await this.audit.record(principal, {
      action: CREDENTIALS_READ,
      resourceType: MCP_CONFIGURATION_RESOURCE,
      resourceId: row.id,
      organizationId: row.organizationId,
      changes: { outcome: failure ? readFailureOutcome(failure) : 'ok' },
    });
    // Mid key rollout: 503 naming the key (SecretBox logged it once); another instance reads it.
    if (failure instanceof UnknownEncryptionKeyError) throw failure;
    if (failure) {
      // The row id and failure kind help an operator find a swapped or corrupt value (the
      // request's trace_id is added by the logger); the client learns only "internal error".
      this.logger.error(
        {
          configuration_id: row.id,
          reason: failure.reason,
          key_id: failure.keyId,
        },
        `Stored credentials of MCP configuration ${row.id} could not be decrypted (${failure.reason})`,
      );
      throw new InternalError();
    }
    return { row, credentials };
  }

  /**
   * A refused read is recorded in the caller's own organization: "not found" covers both an id
   * that does not exist and one of another organization, so the trail (which the caller's admins
   * can list) tells nothing more than the 404 did.
   */
  private async auditRefusedRead(
    principal: Principal,
    id: string,
    reason: 'role_not_allowed' | 'not_found',
  ): Promise<void> {
    await this.audit.record(principal, {
      action: CREDENTIALS_READ,
      resourceType: MCP_CONFIGURATION_RESOURCE,
      resourceId: AUDITABLE_ID.test(id) ? id : INVALID_ID,
      organizationId: principal.organizationId,
      changes: { outcome: 'refused', reason },
    });
  }
}

function readFailureOutcome(failure: SecretDecryptionError): string {
  return failure instanceof UnknownEncryptionKeyError ? 'key_not_configured' : 'decryption_failed';
}
