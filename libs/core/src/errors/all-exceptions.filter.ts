import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AppError,
  ErrorType,
  InternalError,
  isConvertibleToAppError,
  RateLimitError,
  ServiceUnavailableError,
} from './app-error';
import { errorEnvelope } from './error-envelope';
import { isDatabaseUnavailableError } from './database-errors';
import { DatabaseUnavailableError } from './database-unavailable.error';
import { requestHasCommittedWrite } from '../logging/trace-context';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const HTTP_STATUS_MAP: Record<number, { code: string; type: ErrorType }> = {
  400: { code: 'VALIDATION_ERROR', type: 'validation_error' },
  401: { code: 'AUTHENTICATION_REQUIRED', type: 'authentication_error' },
  403: { code: 'INSUFFICIENT_PERMISSIONS', type: 'permission_error' },
  404: { code: 'NOT_FOUND', type: 'not_found_error' },
  405: { code: 'NOT_FOUND', type: 'not_found_error' },
  409: { code: 'CONFLICT', type: 'conflict_error' },
  412: { code: 'PRECONDITION_FAILED', type: 'conflict_error' },
  413: { code: 'PAYLOAD_TOO_LARGE', type: 'validation_error' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', type: 'validation_error' },
  429: { code: 'RATE_LIMIT_EXCEEDED', type: 'rate_limit_error' },
  503: { code: 'SERVICE_UNAVAILABLE', type: 'unavailable_error' },
};

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/** Renders every error of every route as the API.md envelope; nothing internal leaves. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const traceId = String(request?.id ?? 'req_unknown');
    const error = this.toAppError(exception, request);

    if (error.status >= 500 && !error.loggedAtSource) {
      const cause = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(
        { trace_id: traceId, err: { type: cause.name, message: safeMessage(cause) } },
        `${error.code} on ${request?.method} ${request?.routeOptions?.url ?? request?.url}`,
      );
    }
    if (error instanceof RateLimitError) {
      reply.header('retry-after', String(error.retryAfterSeconds));
    }
    if (reply.sent) return;
    reply
      .status(error.status)
      .header('content-type', 'application/json; charset=utf-8')
      .send(
        errorEnvelope(
          error,
          traceId,
          error instanceof DatabaseUnavailableError
            ? databaseFailureDetails(error, request?.method)
            : error.details,
        ),
      );
  }

  private toAppError(exception: unknown, request: FastifyRequest | undefined): AppError {
    if (exception instanceof AppError) return exception;
    if (isConvertibleToAppError(exception)) return exception.toAppError();
    // Classified by the data layer when it can; otherwise nothing says what reached the database.
    if (isDatabaseUnavailableError(exception)) {
      return new DatabaseUnavailableError('database_unavailable', 'unknown');
    }
    if (exception instanceof HttpException) return fromHttpException(exception, request);
    const fastifyError = exception as FastifyLikeError;
    if (typeof fastifyError?.code === 'string' && fastifyError.code.startsWith('FST_')) {
      return fromFastifyError(fastifyError);
    }
    if (exception instanceof SyntaxError && (exception as FastifyLikeError).statusCode === 400) {
      return bodyError('Request body is not valid JSON');
    }
    return new InternalError();
  }
}

function bodyError(message: string): AppError {
  return new AppError(
    400,
    'VALIDATION_ERROR',
    'validation_error',
    'Invalid request parameters',
    message,
    {
      fields: [{ field: 'body', message }],
    },
  );
}

function fromFastifyError(error: FastifyLikeError): AppError {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        413,
        'PAYLOAD_TOO_LARGE',
        'validation_error',
        'Request body is too large',
        'Request body exceeds 1 MiB',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'validation_error',
        'Unsupported content type',
        'Send the body as application/json',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return bodyError('Body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return bodyError('Request body is not valid JSON');
    default: {
      const status =
        error.statusCode && error.statusCode >= 400 && error.statusCode < 500
          ? error.statusCode
          : 500;
      if (status === 500) return new InternalError();
      const mapped = HTTP_STATUS_MAP[status] ?? {
        code: 'VALIDATION_ERROR',
        type: 'validation_error' as const,
      };
      return new AppError(
        status,
        mapped.code,
        mapped.type,
        'Invalid request',
        'The request could not be processed',
      );
    }
  }
}

function fromHttpException(
  exception: HttpException,
  request: FastifyRequest | undefined,
): AppError {
  const status = exception.getStatus();
  if (status === 404 && /^Cannot /.test(exception.message)) {
    return new AppError(
      404,
      'NOT_FOUND',
      'not_found_error',
      'Route not found',
      `No route ${request?.method} ${request?.url?.split('?')[0]}`,
    );
  }
  const mapped = HTTP_STATUS_MAP[status];
  if (!mapped || status >= 500) {
    return status === 503 ? new ServiceUnavailableError() : new InternalError();
  }
  const message = exception.message;
  if (status === 429) return new RateLimitError(60);
  if (status === 400) {
    // Nest's JSON body parser reports unparsable bodies as plain 400s: name the body as the field.
    if (/JSON|body|prototype/i.test(message)) return bodyError(message);
    return new AppError(400, mapped.code, mapped.type, 'Invalid request parameters', message);
  }
  return new AppError(status, mapped.code, mapped.type, message, message);
}

/**
 * `reason`, and for a write whether it committed: false (it did not), 'unknown' (its COMMIT was
 * sent and no answer came), or 'partial' (an earlier step of the same request committed).
 */
function databaseFailureDetails(
  error: DatabaseUnavailableError,
  method: string | undefined,
): Record<string, unknown> {
  if (!method || !WRITE_METHODS.has(method)) return { reason: error.reason };
  const committed =
    error.writeOutcome === 'unknown' ? 'unknown' : requestHasCommittedWrite() ? 'partial' : false;
  return { reason: error.reason, write_committed: committed };
}

function safeMessage(error: Error): string {
  // Driver messages can carry SQL with values; keep only the first line, capped.
  return (error.message ?? '').split('\n')[0].slice(0, 300);
}
