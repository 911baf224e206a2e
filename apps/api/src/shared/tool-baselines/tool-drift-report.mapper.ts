import type { ToolDriftState, ToolSnapshotEntity } from '@app/dal';
import { diffTools, ToolChange } from '@app/health-checker';
import type { ToolDefinition } from '@app/mcp-probe';
import type { ToolChangeDto, ToolDriftReportDto, ToolVersionDto } from './tool-drift-report.dto';
import { toToolDriftFields } from './tool-drift.fields';

/** A drift review from the owner's drift columns and its snapshot (with the definitions). */
export function toToolDriftReport(
  state: ToolDriftState,
  snapshot: ToolSnapshotEntity | null,
): ToolDriftReportDto {
  const baseline = snapshot?.baselineTools ?? null;
  const diff =
    snapshot && baseline
      ? diffTools(baseline as ToolDefinition[], snapshot.observedTools as ToolDefinition[])
      : { added: [], removed: [], changed: [] };
  return {
    ...toToolDriftFields(state),
    observed_at: snapshot?.observedAt.toISOString() ?? null,
    baseline:
      snapshot && baseline && snapshot.baselineFingerprint && snapshot.baselineApprovedAt
        ? {
            fingerprint: snapshot.baselineFingerprint,
            source: snapshot.baselineSource ?? 'approved',
            approved_at: snapshot.baselineApprovedAt.toISOString(),
            approved_by: snapshot.baselineApprovedBy,
            tool_count: baseline.length,
          }
        : null,
    added: diff.added.map(toToolVersion),
    removed: diff.removed.map(toToolVersion),
    changed: diff.changed.map(toToolChange),
  };
}

function toToolVersion(tool: ToolDefinition): ToolVersionDto {
  return { name: tool.name, fingerprint: tool.fingerprint, tool: tool.definition };
}

function toToolChange(change: ToolChange): ToolChangeDto {
  return {
    name: change.name,
    changed_fields: change.changedFields,
    description: change.description,
    pointers: change.pointers,
    pointers_truncated: change.pointersTruncated,
    fingerprint_before: change.fingerprintBefore,
    fingerprint_after: change.fingerprintAfter,
  };
}
