import 'reflect-metadata';
import { LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfigModule, AppConfigOptions, ConfigValidationError } from '@app/core';
import { SecretBox, SecretBoxModule } from '@app/crypto';
import { RotationReport, SecretRotationJob, SecretRotationOptions } from '@app/crypto/rotation';
import { DatabaseModule, SEALED_COLUMNS, SealedValueRepository } from '@app/dal';

export interface RotateSecretsOptions extends AppConfigOptions {
  batchSize?: number;
  logger?: SecretRotationOptions['logger'];
  onBatch?: SecretRotationOptions['onBatch'];
}

/**
 * Everything but the summary goes to stderr as one JSON line each, so stdout carries only the
 * summary. Thrown errors are left to the entry point, which reports them once, without a stack.
 */
function stderrLogger(): LoggerService {
  const write = (level: string) => (message: unknown) => {
    if (message instanceof Error) return;
    process.stderr.write(`${JSON.stringify({ level, context: 'SecretRotation', message })}\n`);
  };
  return { log: () => undefined, warn: write('warn'), error: write('error') };
}

/**
 * `npm run secrets:rotate`: re-encrypts every sealed column under CREDENTIALS_ACTIVE_KEY_ID with
 * the same configuration the API uses, without HTTP, while the API keeps serving.
 */
export async function rotateSecrets(options: RotateSecretsOptions = {}): Promise<RotationReport> {
  const { module: configModule } = await AppConfigModule.load(options);

  @Module({
    imports: [configModule, DatabaseModule, SecretBoxModule],
    providers: [SealedValueRepository],
  })
  class RotateSecretsModule {}

  const contextLogger = stderrLogger();
  const context = await NestFactory.createApplicationContext(RotateSecretsModule, {
    logger: contextLogger,
    abortOnError: false,
  });
  try {
    const job = new SecretRotationJob(context.get(SealedValueRepository), context.get(SecretBox), {
      batchSize: options.batchSize,
      logger: options.logger ?? contextLogger,
      onBatch: options.onBatch,
    });
    return await job.run(SEALED_COLUMNS);
  } finally {
    await context.close();
  }
}

function summaryLine(report: RotationReport): string {
  return JSON.stringify({
    ok: report.failed === 0,
    active_key_id: report.activeKeyId,
    duration_ms: report.durationMs,
    columns: report.columns,
  });
}

if (require.main === module) {
  rotateSecrets()
    .then((report) => {
      process.stdout.write(`${summaryLine(report)}\n`);
      process.exitCode = report.failed === 0 ? 0 : 1;
    })
    .catch((error: unknown) => {
      // One line without a stack: a bad variable is an operator's typo, and driver messages
      // are cut to their first line so no SQL with values reaches the terminal.
      const message =
        error instanceof ConfigValidationError || (error as Error)?.name === 'KeyringConfigError'
          ? (error as Error).message
          : `Secret rotation failed: ${String((error as Error)?.message ?? error).split('\n')[0]}`;
      process.stderr.write(`${JSON.stringify({ ok: false, error: message })}\n`);
      process.exitCode = 1;
    });
}
