import { ApiProperty } from '@nestjs/swagger';
import { decodeToolsDrift, NO_DRIFT, TOOL_DRIFT_KINDS, ToolDriftColumns } from '@app/dal';

export const TOOLS_DRIFT_VALUES = [NO_DRIFT, ...TOOL_DRIFT_KINDS] as const;
export type ToolsDriftValue = (typeof TOOLS_DRIFT_VALUES)[number];

/** The drift fields of a server or configuration, as every response shows them. */
export interface ToolDriftFieldsDto {
  tools_fingerprint: string | null;
  tools_drift: ToolsDriftValue[] | null;
  drift_detected_at: string | null;
}

export function toToolDriftFields(columns: ToolDriftColumns): ToolDriftFieldsDto {
  return {
    tools_fingerprint: columns.toolsFingerprint,
    tools_drift: toolsDriftValue(columns.toolsDrift),
    drift_detected_at: columns.driftDetectedAt?.toISOString() ?? null,
  };
}

/** `["none"]`, or the kinds that apply (`["added","changed"]`); null before any comparison. */
export function toolsDriftValue(stored: string | null): ToolsDriftValue[] | null {
  const kinds = decodeToolsDrift(stored);
  if (kinds === null) return null;
  return kinds.length === 0 ? [NO_DRIFT] : kinds;
}

/** The OpenAPI of the drift fields, written once. */
export function ToolsFingerprintProperty(): PropertyDecorator {
  return ApiProperty({
    type: String,
    nullable: true,
    example: '3f0a…',
    description:
      'Hex SHA-256 of the tool set the last successful listing found (each tool fingerprinted as canonical JSON of its whole wire object, sorted by name); null before one',
  });
}

export function ToolsDriftProperty(): PropertyDecorator {
  return ApiProperty({
    enum: TOOLS_DRIFT_VALUES,
    isArray: true,
    nullable: true,
    example: ['changed'],
    description:
      'How the listed tools differ from the approved baseline: ["none"], or every kind that applies of added, removed, changed; null while there is no baseline (or no listing) to compare',
  });
}

export function DriftDetectedAtProperty(): PropertyDecorator {
  return ApiProperty({
    type: String,
    nullable: true,
    description: 'When the current drift was first seen; null without drift',
  });
}
