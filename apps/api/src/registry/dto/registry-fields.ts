import { applyDecorators } from '@nestjs/common';
import {
  ArrayMaxSize,
  IsArray,
  IsNotEmpty,
  IsString,
  MaxLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { MAX_TOOL_NAME_LENGTH } from '@app/mcp-probe';
import { MAX_URL_LENGTH } from '../../shared/url-limits';

export const SERVER_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const SERVER_NAME_PATTERN = /^[A-Za-z0-9_ .]{1,128}$/;
export const ALIAS_PATTERN = /^[A-Za-z0-9_]{1,64}$/;
/** Env variable names as shells accept them. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export const MAX_DESCRIPTION_LENGTH = 2000;
export { MAX_URL_LENGTH, MAX_TOOL_NAME_LENGTH };
export const MAX_NAME_LENGTH = 128;
export const MAX_ALLOWED_TOOLS = 500;
export const MAX_ARGS = 100;
export const MAX_ARG_LENGTH = 4096;
export const MAX_COMMAND_LENGTH = 1024;
export const MAX_ENV_ENTRIES = 100;
export const MAX_ENV_VALUE_LENGTH = 8192;
export const MAX_COST_ENTRIES = 1000;

export function IsToolNameList(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_ALLOWED_TOOLS),
    IsString({ each: true }),
    IsNotEmpty({ each: true }),
    MaxLength(MAX_TOOL_NAME_LENGTH, { each: true }),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{NAME: "value"}`: shell-style names, string values, bounded size. */
export function IsEnvMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEnvMap',
      validator: {
        validate: (value: unknown) =>
          isPlainObject(value) &&
          Object.keys(value).length <= MAX_ENV_ENTRIES &&
          Object.entries(value).every(
            ([name, item]) =>
              ENV_NAME_PATTERN.test(name) &&
              typeof item === 'string' &&
              item.length <= MAX_ENV_VALUE_LENGTH,
          ),
        defaultMessage: () =>
          `must be an object of at most ${MAX_ENV_ENTRIES} variables: names matching ${ENV_NAME_PATTERN.source}, string values of at most ${MAX_ENV_VALUE_LENGTH} characters`,
      },
    },
    options,
  );
}

/** `{tool_name: cost}` with finite costs ≥ 0. */
export function IsCostMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCostMap',
      validator: {
        validate: (value: unknown) =>
          isPlainObject(value) &&
          Object.keys(value).length <= MAX_COST_ENTRIES &&
          Object.entries(value).every(
            ([tool, cost]) =>
              tool.length > 0 &&
              tool.length <= MAX_TOOL_NAME_LENGTH &&
              typeof cost === 'number' &&
              Number.isFinite(cost) &&
              cost >= 0,
          ),
        defaultMessage: () =>
          `must map tool names (1 to ${MAX_TOOL_NAME_LENGTH} characters) to numbers ≥ 0`,
      },
    },
    options,
  );
}

export function IsDescription(): PropertyDecorator {
  return applyDecorators(IsString(), MaxLength(MAX_DESCRIPTION_LENGTH));
}

/**
 * A server's release as the official registry API serves it (`version`): SemVer recommended,
 * ASCII letters, digits and `.+_-`, at most 64 characters. Not `latest` (the API's name for the
 * current version) and not a range (`1.x`, `1.*`), which the official schema refuses.
 */
export const SERVER_VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;
export const DEFAULT_SERVER_VERSION = '1.0.0';
export const SERVER_VERSION_RULE =
  'must be 1 to 64 characters of A-Z a-z 0-9 . + _ - (starting with a letter or digit), not "latest" nor a range like 1.x';

export function isServerVersion(value: unknown): boolean {
  if (typeof value !== 'string' || !SERVER_VERSION_PATTERN.test(value)) return false;
  if (value.toLowerCase() === 'latest') return false;
  return !value.split(/[.+-]/).some((part) => part === 'x' || part === 'X');
}

export function IsServerVersion(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isServerVersion',
      validator: { validate: isServerVersion, defaultMessage: () => SERVER_VERSION_RULE },
    },
    options,
  );
}
