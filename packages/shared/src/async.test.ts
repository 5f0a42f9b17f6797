import { describe, expect, it } from 'vitest';
import { TimeoutError, withTimeout } from './async';

describe('withTimeout', () => {
  it('settles with the value of a promise that is fast enough', async () => {
    await expect(withTimeout(Promise.resolve(42), 1_000)).resolves.toBe(42);
  });

  it('passes on the rejection of a promise that fails in time', async () => {
    await expect(withTimeout(Promise.reject(new Error('boom')), 1_000)).rejects.toThrow('boom');
  });

  it('rejects with a TimeoutError naming the bound when the promise is too slow', async () => {
    const slow = new Promise((resolve) => setTimeout(resolve, 500, 'late'));
    const err = await withTimeout(slow, 20).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).ms).toBe(20);
  });
});
