import { writeOutcomeOf } from './database-failure';
import { statementKind } from './statement-kind';

describe('statementKind', () => {
  it.each([
    ['START TRANSACTION', 'begin'],
    ['BEGIN IMMEDIATE', 'begin'],
    ['  commit', 'commit'],
    ['ROLLBACK TO SAVEPOINT typeorm_1', 'rollback'],
    ['SAVEPOINT typeorm_1', 'session'],
    ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', 'session'],
    ['SELECT 1', 'read'],
    ['\n  select id FROM organizations', 'read'],
    ['INSERT INTO mcp_servers VALUES (?)', 'write'],
    ['UPDATE mcp_servers SET status = ?', 'write'],
    ['WITH x AS (SELECT 1) DELETE FROM t', 'write'],
  ])('%s is a %s', (sql, kind) => {
    expect(statementKind(sql)).toBe(kind);
  });
});

describe('writeOutcomeOf (what a 503 tells the caller about its write)', () => {
  it('is false for anything never sent to the database', () => {
    expect(writeOutcomeOf('not_sent', 'commit', true)).toBe(false);
    expect(writeOutcomeOf('not_sent', 'write', false)).toBe(false);
  });

  it('is false for a statement of a transaction that had not committed yet', () => {
    expect(writeOutcomeOf('sent', 'write', true)).toBe(false);
    expect(writeOutcomeOf('sent', 'begin', true)).toBe(false);
  });

  it('is unknown for a COMMIT, or an auto-committed write, sent without an answer', () => {
    expect(writeOutcomeOf('sent', 'commit', true)).toBe('unknown');
    expect(writeOutcomeOf('sent', 'write', false)).toBe('unknown');
  });

  it('is false for a read outside a transaction', () => {
    expect(writeOutcomeOf('sent', 'read', false)).toBe(false);
  });
});
