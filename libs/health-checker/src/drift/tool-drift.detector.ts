import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/core';
import type { OneOrganization } from '@app/core';
import {
  encodeToolsDrift,
  hasDrift,
  NewBaseline,
  ToolBaselineRepository,
  ToolDriftColumns,
  ToolObservationColumns,
  ToolDriftKind,
  ToolDriftState,
  ToolOwner,
  ToolSet,
  UnitOfWork,
} from '@app/dal';
import { EventOutbox } from '@app/events';
import type { ProbeResult } from '@app/mcp-probe';
import { driftKinds, matchTools } from './tool-drift';

export const TOOLS_DRIFT_DETECTED = 'tools.drift_detected';
export const TOOLS_BASELINE_RECORDED = 'tools.baseline_recorded';
/** Tool names an audit event lists per kind at most (the drift route has them all). */
const AUDITED_NAMES = 100;

/**
 * What one observation did. `drift_detected`: the tools now differ from the baseline and did not
 * at the last observation (audited once, as `tools.drift_detected`); `drift_changed`: they
 * differed and differ otherwise now; `drift_cleared`: they are back to the baseline;
 * `baseline_recorded`: the first observation became the baseline (TOOL_BASELINE_AUTO);
 * `observed`: the tools changed without a baseline to compare with, or within no drift;
 * `unchanged`: the same tools as stored (nothing written); `lost`: another replica recorded a
 * newer observation first; `gone`: the owner was deleted.
 */
export type ToolTransition =
  | 'drift_detected'
  | 'drift_changed'
  | 'drift_cleared'
  | 'baseline_recorded'
  | 'observed'
  | 'unchanged'
  | 'lost'
  | 'gone';

export interface ToolObservation {
  transition: ToolTransition;
  /** The owner's drift columns after the observation (what was stored before, if nothing was written). */
  state: ToolDriftColumns | null;
  /** The kinds of drift against the baseline ([] for none); null without a baseline. */
  kinds: ToolDriftKind[] | null;
}

/** The drift columns the caller already read with the owner (skips the database when unchanged). */
export type KnownToolState = Pick<
  ToolDriftState,
  'toolsFingerprint' | 'toolsDigest' | 'toolsDrift'
>;

/**
 * The one place tool drift is detected: every probe that listed a server's (or configuration's)
 * tools hands them here after its result is stored. When the tool set's fingerprint differs from
 * the one stored, it compares it with the approved baseline and writes the drift with a
 * compare-and-set on the owner's version and stored fingerprint; the one writer that wins records
 * the observation (and, for an owner without a baseline, the baseline itself when
 * TOOL_BASELINE_AUTO is on) and the
 * `tools.drift_detected` audit event commits in the same transaction, by the one replica whose
 * write won. Side effects of a transition (events, notifications) belong next to that audit write.
 */
@Injectable()
export class ToolDriftDetector {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly baselines: ToolBaselineRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: EventOutbox,
  ) {}

  /**
   * What a probe of `owner` may skip: the listing its stored fingerprint was taken from (a listing
   * with the same digest keeps that fingerprint and is not fingerprinted again). Not while a
   * baseline waits to be recorded from those very tools (TOOL_BASELINE_AUTO turned on later).
   */
  knownListing(stored: KnownToolState): { digest: string; fingerprint: string } | undefined {
    const { toolsDigest, toolsFingerprint } = stored;
    if (toolsDigest === null || toolsFingerprint === null) return undefined;
    if (this.worthWriting(stored, toolsFingerprint)) return undefined;
    return { digest: toolsDigest, fingerprint: toolsFingerprint };
  }

  /** Null when the probe listed no tools (failed, or skipped the listing by a caching hint). */
  async observe(
    scope: OneOrganization,
    owner: ToolOwner,
    result: ProbeResult,
    observedAt: Date,
    known?: KnownToolState,
  ): Promise<ToolObservation | null> {
    const { tools_fingerprint: fingerprint, tools_digest: digest } = result;
    if (!result.ok || !result.tools_listed || fingerprint === null || digest === null) return null;
    const definitions = result.tool_definitions;
    if ((known && !this.worthWriting(known, fingerprint)) || definitions === null) {
      // The same tools (a listing known byte for byte has no definitions: its fingerprint is
      // the stored one). Other bytes for them are remembered, so the next such listing is known.
      if (known && known.toolsDigest !== digest) {
        await this.unitOfWork.run({ atomic: false }, (tx) =>
          this.baselines.writeDigest(scope, owner, fingerprint, digest, tx),
        );
      }
      return { transition: 'unchanged', state: null, kinds: null };
    }
    const observed: ToolSet = {
      fingerprint,
      tools: definitions,
      index: definitions.map(({ name, fingerprint: print }) => ({ name, fingerprint: print })),
    };
    return this.unitOfWork.run(async (tx) => {
      const state = await this.baselines.driftState(scope, owner, tx);
      if (!state) return { transition: 'gone', state: null, kinds: null };
      if (!this.worthWriting(state, fingerprint)) {
        if (state.toolsDigest !== digest) {
          await this.baselines.writeDigest(scope, owner, fingerprint, digest, tx);
        }
        return { transition: 'unchanged', state, kinds: null };
      }
      const snapshot = await this.baselines.snapshot(scope, owner, { definitions: false }, tx);
      let baselineFingerprint = snapshot?.baselineFingerprint ?? null;
      let baselineIndex = baselineFingerprint === null ? null : snapshot!.baselineIndex;
      // A baseline is replaced by an admin only, never by a read that came back short.
      if (baselineFingerprint !== null && !Array.isArray(baselineIndex)) {
        throw new Error(`The tool baseline of ${owner.kind} ${owner.id} has no index`);
      }
      let recorded: NewBaseline | null = null;
      if (baselineFingerprint === null && this.config.tools.baselineAuto) {
        recorded = {
          tools: observed,
          source: 'first_probe',
          approvedAt: observedAt,
          approvedBy: null,
        };
        baselineIndex = observed.index;
        baselineFingerprint = fingerprint;
      }
      const kinds = baselineIndex === null ? null : driftKinds(baselineIndex, observed.index);
      const drifted = kinds !== null && kinds.length > 0;
      const wasDrifted = hasDrift(state.toolsDrift);
      const next: ToolObservationColumns = {
        toolsFingerprint: fingerprint,
        toolsDigest: digest,
        toolsDrift: kinds === null ? null : encodeToolsDrift(kinds),
        driftDetectedAt: drifted
          ? ((wasDrifted ? state.driftDetectedAt : null) ?? observedAt)
          : null,
      };
      // The compare-and-set: only the writer that finds the row as read writes the rest.
      const written = await this.baselines.writeDrift(scope, owner, state, next, tx);
      if (!written) return { transition: 'lost', state: null, kinds: null };
      await this.baselines.saveObservation(
        scope,
        owner,
        observed,
        observedAt,
        recorded,
        snapshot !== null,
        tx,
      );
      if (recorded) {
        await this.baselines.recordSystemEvent(
          scope,
          owner,
          TOOLS_BASELINE_RECORDED,
          {
            source: 'first_probe',
            fingerprint,
            tool_count: observed.index.length,
          },
          tx,
        );
      }
      if (drifted && owner.kind === 'mcp_server') {
        // Into drift, or drifted further: consumers of the change feed learn it with the write.
        const match = matchTools(baselineIndex!, observed.index);
        await this.outbox.append(tx, scope, {
          type: 'mcp_server.tools_drifted',
          resourceId: owner.id,
          data: {
            server_id: owner.id,
            organization_id: scope.organizationId,
            tools_drift: kinds,
            drift_detected_at: next.driftDetectedAt?.toISOString() ?? null,
            baseline_fingerprint: baselineFingerprint,
            tools_fingerprint: fingerprint,
            previous_fingerprint: state.toolsFingerprint,
            added: names(match.added),
            removed: names(match.removed),
            changed: names(match.changed.map(([, after]) => after)),
          },
        });
      }
      if (drifted && !wasDrifted) {
        const match = matchTools(baselineIndex!, observed.index);
        await this.baselines.recordSystemEvent(
          scope,
          owner,
          TOOLS_DRIFT_DETECTED,
          {
            tools_drift: kinds,
            baseline_fingerprint: baselineFingerprint,
            tools_fingerprint: fingerprint,
            previous_fingerprint: state.toolsFingerprint,
            added: names(match.added),
            removed: names(match.removed),
            changed: names(match.changed.map(([, after]) => after)),
          },
          tx,
        );
      }
      return {
        transition: transitionOf(recorded !== null, drifted, wasDrifted),
        state: next,
        kinds,
      };
    });
  }

  /** A new fingerprint, or the first chance to record a baseline for tools already seen. */
  private worthWriting(stored: KnownToolState, fingerprint: string): boolean {
    if (stored.toolsFingerprint !== fingerprint) return true;
    return stored.toolsDrift === null && this.config.tools.baselineAuto;
  }
}

function transitionOf(recorded: boolean, drifted: boolean, wasDrifted: boolean): ToolTransition {
  if (recorded) return 'baseline_recorded';
  if (drifted) return wasDrifted ? 'drift_changed' : 'drift_detected';
  return wasDrifted ? 'drift_cleared' : 'observed';
}

function names(tools: readonly { name: string }[]): string[] {
  return tools.slice(0, AUDITED_NAMES).map((tool) => tool.name);
}
