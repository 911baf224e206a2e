import { keysetCondition } from './keyset';

describe('keysetCondition', () => {
  it('renders "after the position" in lexicographic column order', () => {
    expect(keysetCondition(['x.created_at', 'x.server_id'], ['t', 's'])).toEqual({
      sql: ' AND (x.created_at > ? OR (x.created_at = ? AND x.server_id > ?))',
      params: ['t', 't', 's'],
    });
  });

  it('breaks ties on every further column, and reverses for a descending list', () => {
    expect(keysetCondition(['a', 'b', 'c'], [1, 2, 3], 'DESC')).toEqual({
      sql: ' AND (a < ? OR (a = ? AND (b < ? OR (b = ? AND c < ?))))',
      params: [1, 1, 2, 2, 3],
    });
  });
});
