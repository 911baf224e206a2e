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

export function errorEnvelope(
  status: number,
  code: string,
  type: ErrorType,
  message: string,
  systemMessage: string,
  traceId: string,
  details?: Record<string, unknown>,
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
