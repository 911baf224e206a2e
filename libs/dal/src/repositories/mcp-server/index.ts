export * from './mcp-server.types';
export * from './mcp-server-read.repository';
export * from './mcp-server-write.repository';
