export * from './mcp-server-version.types';
export * from './version-row';
export * from './mcp-server-version-read.repository';
export * from './mcp-server-version-write.repository';
