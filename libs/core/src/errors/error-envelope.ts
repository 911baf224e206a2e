import { ErrorType } from './app-error';

export interface ErrorEnvelope {
  success: false;
  error: {
    code: string;
    message: string;
    system_message: string;
    type: ErrorType;
    status: number;
    details?: Record<string, unknown>;
    trace_id: string;
    timestamp: string;
  };
}

/** What an envelope says: an AppError, or a refusal made before Nest (router, shutdown). */
export interface EnvelopeSource {
  status: number;
  code: string;
  type: ErrorType;
  message: string;
  systemMessage: string;
  details?: Record<string, unknown>;
}

/** The one rendering of an error answer (API.md); `details` replaces the source's when given. */
export function errorEnvelope(
  { status, code, type, message, systemMessage, details: own }: EnvelopeSource,
  traceId: string,
  details: Record<string, unknown> | undefined = own,
): ErrorEnvelope {
  return {
    success: false,
    error: {
      code,
      message,
      system_message: systemMessage,
      type,
      status,
      ...(details ? { details } : {}),
      trace_id: traceId,
      timestamp: new Date().toISOString(),
    },
  };
}
