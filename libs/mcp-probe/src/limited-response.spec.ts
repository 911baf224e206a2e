import { Response } from 'undici';
import { limitedResponse } from './limited-response';
import { ProbeBudget } from './probe-budget';
import { StdioLineReader } from './stdio-line.reader';

const limits = { maxMessageBytes: 10, maxTotalBytes: 100, maxMessages: 100 };

function streamed(chunks: string[], type: string, headers: Record<string, string> = {}) {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': type, ...headers } });
}

describe('limitedResponse', () => {
  it('passes a body within the message limit through unchanged', async () => {
    const budget = new ProbeBudget(limits);
    const response = limitedResponse(streamed(['{"a":', '12}'], 'application/json'), budget);
    expect(await response.json()).toEqual({ a: 12 });
    expect(budget.failure).toBeNull();
  });

  it('fails a body one byte past the message limit, across chunks', async () => {
    const budget = new ProbeBudget(limits);
    const response = limitedResponse(streamed(['12345', '678901'], 'application/json'), budget);
    await expect(response.text()).rejects.toMatchObject({ kind: 'response_too_large' });
    expect(budget.failure?.message).toBe('response too large: a message was larger than 10 bytes');
    expect(budget.signal.aborted).toBe(true);
  });

  it('fails on a declared Content-Length before reading', () => {
    const budget = new ProbeBudget(limits);
    const response = streamed(['x'], 'application/json', { 'content-length': '11' });
    expect(() => limitedResponse(response, budget)).toThrow('response too large');
  });

  it('counts SSE events one by one, whatever the line ends (LF, CRLF, CR)', async () => {
    const budget = new ProbeBudget(limits);
    const events = ['data: 1234\n\n', 'data: 12\r\n\r\ndata', ': 1234\r\r', 'data: 5\n', '\n'];
    const response = limitedResponse(streamed(events, 'text/event-stream'), budget);
    expect(await response.text()).toBe(events.join(''));
    expect(budget.failure).toBeNull();
  });

  it('fails an SSE event that grows past the limit over several lines', async () => {
    const budget = new ProbeBudget(limits);
    const response = limitedResponse(
      streamed(['data: 12\n', 'data: 34\n', '\n'], 'text/event-stream'),
      budget,
    );
    await expect(response.text()).rejects.toMatchObject({ kind: 'response_too_large' });
  });

  it('counts every body of a probe against its total', async () => {
    const budget = new ProbeBudget({ ...limits, maxTotalBytes: 15 });
    await limitedResponse(streamed(['12345678'], 'application/json'), budget).text();
    const second = limitedResponse(streamed(['12345678'], 'application/json'), budget);
    await expect(second.text()).rejects.toThrow('the server sent more than 15 bytes');
  });
});

describe('StdioLineReader', () => {
  it('splits lines across chunks and drops the line ends', () => {
    const reader = new StdioLineReader(new ProbeBudget(limits));
    expect(reader.push(Buffer.from('ab'))).toEqual([]);
    expect(reader.push(Buffer.from('c\r\nde\nf'))).toEqual(['abc', 'de']);
    expect(reader.push(Buffer.from('g\n'))).toEqual(['fg']);
  });

  it('fails a line past the message limit before it ends', () => {
    const budget = new ProbeBudget(limits);
    const reader = new StdioLineReader(budget);
    expect(reader.push(Buffer.from('12345'))).toEqual([]);
    expect(reader.push(Buffer.from('678901'))).toBeNull();
    expect(budget.failure?.kind).toBe('response_too_large');
    expect(reader.push(Buffer.from('\n'))).toBeNull();
  });

  it('counts every line against the total', () => {
    const budget = new ProbeBudget({ ...limits, maxTotalBytes: 12 });
    const reader = new StdioLineReader(budget);
    expect(reader.push(Buffer.from('12345\n'))).toEqual(['12345']);
    expect(reader.push(Buffer.from('67890\n12'))).toBeNull();
    expect(budget.failure?.message).toBe('response too large: the server sent more than 12 bytes');
  });
});

describe('ProbeBudget', () => {
  it('trips once on too many messages and rejects `exceeded`', async () => {
    const budget = new ProbeBudget({ ...limits, maxMessages: 2 });
    expect(budget.takeMessage()).toBe(true);
    expect(budget.takeMessage()).toBe(true);
    expect(budget.takeMessage()).toBe(false);
    await expect(budget.exceeded).rejects.toThrow(
      'response too large: the server sent more than 2 messages',
    );
    expect(budget.takeBytes(1)).toBe(false);
  });
});
