import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@app/core';
import { HealthWorkerModule, HealthWorkerModuleOptions } from './health-worker.module';

export interface CreatedHealthWorker {
  app: INestApplicationContext;
  config: AppConfig;
}

/** Builds and starts the headless worker exactly as production runs it (main.ts and tests). */
export async function createHealthWorker(
  options: HealthWorkerModuleOptions = {},
): Promise<CreatedHealthWorker> {
  const { module, config } = await HealthWorkerModule.forRoot(options);
  const app = await NestFactory.createApplicationContext(module, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  await app.init();
  return { app, config };
}
