import {
  ArgumentsHost,
  CallHandler,
  Catch,
  ExceptionFilter,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { AllExceptionsFilter, AppError } from '@app/core';
import { setOfficialCors, wwwAuthenticate } from './protected-resource';

/** The official API's 404 body (openapi.yaml: `{error: "Server not found"}`). */
export const OFFICIAL_NOT_FOUND = { error: 'Server not found' };

/**
 * Errors of the official registry routes: a 404 in the official shape, a 401 with its
 * `WWW-Authenticate` challenge pointing at the resource metadata, CORS on every answer; the rest
 * (400s naming the field, 403, 429, 503) in our envelope, as on every other route.
 */
@Catch()
export class OfficialErrorsFilter implements ExceptionFilter {
  private readonly envelope = new AllExceptionsFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    setOfficialCors(reply);
    const status = exception instanceof AppError ? exception.status : undefined;
    if (status === 404) {
      reply.status(404).header('content-type', 'application/json; charset=utf-8');
      reply.send(JSON.stringify(OFFICIAL_NOT_FOUND));
      return;
    }
    if (status === 401) reply.header('www-authenticate', wwwAuthenticate(request));
    this.envelope.catch(exception, host);
  }
}

/** CORS on the official routes' successful answers (errors get it from the filter). */
@Injectable()
export class OfficialCorsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    setOfficialCors(context.switchToHttp().getResponse<FastifyReply>());
    return next.handle();
  }
}
