import { isDatabaseUnavailableError } from './database-errors';

describe('isDatabaseUnavailableError', () => {
  it.each([
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' }),
    { name: 'QueryFailedError', message: 'x', driverError: { code: 'ETIMEDOUT' } },
    Object.assign(new Error('The database connection is not open'), {}),
    { name: 'ConnectionIsNotSetError', message: 'no connection' },
    {
      name: 'QueryFailedError',
      message: 'SqliteError: database is locked',
      driverError: { code: 'SQLITE_BUSY_SNAPSHOT' },
    },
  ])('says yes for a lost or refused connection (%#)', (error) => {
    expect(isDatabaseUnavailableError(error)).toBe(true);
  });

  it.each([
    new Error('boom'),
    {
      name: 'QueryFailedError',
      message: 'no such table: teams',
      driverError: { code: 'SQLITE_ERROR' },
    },
    Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY' }),
    null,
    'string',
  ])('says no for a query that is simply wrong (%#)', (error) => {
    expect(isDatabaseUnavailableError(error)).toBe(false);
  });
});
