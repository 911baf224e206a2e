// e2e suites start real apps, databases and MCP servers: hooks and tests get a minute.
jest.setTimeout(60_000);
