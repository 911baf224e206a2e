/** One field that failed validation, as rendered in `error.details.fields`. */
export interface FieldError {
  field: string;
  message: string;
}

export type ErrorType =
  | 'validation_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'gone_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'unavailable_error';

/**
 * A domain error the global filter renders as the API.md error envelope. Messages are meant for
 * API users: never put a secret, SQL or a stack into one.
 */
export class AppError extends Error {
  /** True when the cause is logged where it is met (once), so the filter does not log each request. */
  readonly loggedAtSource: boolean = false;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly type: ErrorType,
    message: string,
    readonly systemMessage: string = message,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(fields: FieldError[], systemMessage = 'Validation failed') {
    super(
      400,
      'VALIDATION_ERROR',
      'validation_error',
      'Invalid request parameters',
      systemMessage,
      {
        fields,
      },
    );
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export type AuthErrorCode =
  'AUTHENTICATION_REQUIRED' | 'INVALID_API_KEY' | 'API_KEY_EXPIRED' | 'API_KEY_DEACTIVATED';

const AUTH_MESSAGES: Record<AuthErrorCode, string> = {
  AUTHENTICATION_REQUIRED: 'Authentication required: send X-API-Key or Authorization: Bearer',
  INVALID_API_KEY: 'The API key is not valid',
  API_KEY_EXPIRED: 'The API key has expired',
  API_KEY_DEACTIVATED: 'The API key has been deactivated',
};

export class AuthenticationError extends AppError {
  constructor(code: AuthErrorCode) {
    super(401, code, 'authentication_error', AUTH_MESSAGES[code]);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'This API key is not allowed to perform this action') {
    super(403, 'INSUFFICIENT_PERMISSIONS', 'permission_error', message);
  }
}

export class NotFoundError extends AppError {
  constructor(resource = 'Resource', message = `${resource} not found`) {
    super(404, 'NOT_FOUND', 'not_found_error', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, field?: string) {
    super(
      409,
      'CONFLICT',
      'conflict_error',
      message,
      message,
      field ? { fields: [{ field, message }] } : undefined,
    );
  }
}

export class PreconditionFailedError extends AppError {
  constructor(message = 'The resource changed since it was read (If-Match does not match)') {
    super(412, 'PRECONDITION_FAILED', 'conflict_error', message);
  }
}

/** 410: what was asked for existed once and is gone for good (pruned). */
export class GoneError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(410, code, 'gone_error', message, message, details);
  }
}

export class RateLimitError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'RATE_LIMIT_EXCEEDED', 'rate_limit_error', 'Too many requests for this API key');
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'The service is temporarily unavailable; retry shortly') {
    super(503, 'SERVICE_UNAVAILABLE', 'unavailable_error', message);
  }
}

/**
 * Errors of lower layers (libs that cannot be AppErrors themselves) that know their HTTP meaning.
 * The global filter renders what `toAppError()` returns.
 */
export interface ConvertibleToAppError {
  toAppError(): AppError;
}

export function isConvertibleToAppError(value: unknown): value is ConvertibleToAppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<ConvertibleToAppError>).toAppError === 'function'
  );
}

export class InternalError extends AppError {
  constructor(systemMessage = 'Internal server error') {
    super(500, 'INTERNAL_ERROR', 'server_error', 'An internal error occurred', systemMessage);
  }
}
