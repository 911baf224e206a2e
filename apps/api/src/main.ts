import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { exitGracefullyOnSignals, exitOnStartupFailure } from '@app/core';
import { createApp } from './app.factory';

async function bootstrap(): Promise<void> {
  const { app, config } = await createApp();
  await app.listen({ port: config.port, host: config.host });
  const logger = new Logger('Bootstrap');
  logger.log(`MCP Registry listening on http://${config.host}:${config.port}`);

  // New requests are refused (503 while closing) and in-flight ones finish. A keep-alive
  // connection whose last request ends after close() began would hold the server open until
  // its idle timeout, so such connections are closed as soon as they go idle.
  exitGracefullyOnSignals(app, config.shutdownTimeoutMs, logger, () => {
    const server = app.getHttpServer();
    setInterval(() => server.closeIdleConnections(), 50).unref();
  });
}

bootstrap().catch(exitOnStartupFailure);
