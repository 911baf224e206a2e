import { Inject, Injectable } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '@app/core';
import type { OneOrganization } from '@app/core';
import { AuditService, Principal } from '@app/auth';
import {
  DiscoveredTool,
  ToolBaselineRepository,
  ToolDriftState,
  ToolOwner,
  ToolSnapshotEntity,
  UnitOfWork,
} from '@app/dal';
import { IfMatch, ifMatchAllows } from '../http-cache';
import { serveTools, ServedTools } from './served-tools';

export const TOOLS_BASELINE_APPROVED = 'tools.baseline_approved';

/** An owner's drift columns and snapshot, for a drift review. */
export interface ToolDriftView {
  state: ToolDriftState;
  snapshot: ToolSnapshotEntity | null;
}

/**
 * Baselines as the API sees them, for registry servers and custom configurations alike: the
 * drift review, the approval (If-Match on the owner's version, audited with both fingerprints)
 * and the allowed tools `/tools` may serve. The caller has already resolved the owner in its
 * scope and checked the caller may see (or approve) it. Detection is ToolDriftDetector's.
 */
@Injectable()
export class ToolBaselinesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly baselines: ToolBaselineRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  async drift(scope: OneOrganization, owner: ToolOwner): Promise<ToolDriftView> {
    const state = await this.baselines.driftState(scope, owner);
    if (!state) throw notFound(owner);
    const snapshot = await this.baselines.snapshot(scope, owner, { definitions: true });
    return { state, snapshot };
  }

  /**
   * Makes the observed tools the approved baseline, if the owner is still at a version the
   * caller's If-Match names (an observation of other tools bumps it): what is approved is what
   * the caller reviewed. If-Match is required (400 without; 412 when stale); 409 when no tools
   * were observed yet.
   */
  async approve(
    principal: Principal,
    scope: OneOrganization,
    owner: ToolOwner,
    ifMatch: IfMatch | undefined,
  ): Promise<ToolDriftView> {
    return this.unitOfWork.run(async (tx) => {
      const state = await this.baselines.driftState(scope, owner, tx);
      if (!state) throw notFound(owner);
      if (!ifMatch) {
        throw ValidationError.field(
          'If-Match',
          'is required: send the ETag of the version whose tools you reviewed (or "*")',
        );
      }
      if (!ifMatchAllows(ifMatch, state.version)) throw new PreconditionFailedError();
      const snapshot = await this.baselines.snapshot(scope, owner, { definitions: true }, tx);
      if (!snapshot) {
        throw new ConflictError(
          'No tools were listed yet: probe it first, then review and approve what it lists',
        );
      }
      const approvedAt = new Date();
      const observed = {
        fingerprint: snapshot.observedFingerprint,
        tools: snapshot.observedTools,
        index: snapshot.observedIndex,
      };
      const baseline = {
        tools: observed,
        source: 'approved' as const,
        approvedAt,
        approvedBy: principal.userId,
      };
      const next = {
        toolsFingerprint: observed.fingerprint,
        // The stored digest belongs to the stored fingerprint: kept while they are the same tools.
        toolsDigest: state.toolsFingerprint === observed.fingerprint ? state.toolsDigest : null,
        toolsDrift: 'none',
        driftDetectedAt: null,
      };
      // The compare-and-set first: the approval applies only to the version the caller named
      // and this read found (an observation of other tools meanwhile bumped it: 412).
      if (!(await this.baselines.writeDrift(scope, owner, state, next, tx))) {
        throw new PreconditionFailedError();
      }
      await this.baselines.saveBaseline(scope, owner, baseline, tx);
      await this.audit.record(
        principal,
        {
          action: TOOLS_BASELINE_APPROVED,
          resourceType: owner.kind,
          resourceId: owner.id,
          organizationId: scope.organizationId,
          changes: {
            previous_fingerprint: snapshot.baselineFingerprint,
            fingerprint: observed.fingerprint,
            previous_drift: state.toolsDrift,
            tool_count: observed.index.length,
          },
        },
        tx,
      );
      return {
        state: { ...state, ...next, version: state.version + 1 },
        snapshot: {
          ...snapshot,
          baselineFingerprint: observed.fingerprint,
          baselineTools: observed.tools,
          baselineIndex: observed.index,
          baselineSource: 'approved',
          baselineApprovedAt: approvedAt,
          baselineApprovedBy: principal.userId,
        },
      };
    });
  }

  /** The discovered tools `/tools` serves (see serveTools), under TOOL_DRIFT_POLICY. */
  async serve(
    scope: OneOrganization,
    owner: ToolOwner,
    discovered: readonly DiscoveredTool[],
    allowed: readonly string[] | null,
  ): Promise<ServedTools> {
    const snapshot =
      discovered.length > 0
        ? await this.baselines.snapshot(scope, owner, { definitions: false })
        : null;
    return serveTools(discovered, allowed, snapshot, this.config.tools.driftPolicy);
  }
}

function notFound(owner: ToolOwner): NotFoundError {
  return new NotFoundError(owner.kind === 'mcp_server' ? 'Server' : 'MCP configuration');
}
