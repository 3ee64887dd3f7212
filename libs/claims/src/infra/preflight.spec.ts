import { redisPort } from './preflight';

describe('redisPort', () => {
  it('is the port the URL names, for the start-up hint', () => {
    expect(redisPort('redis://127.0.0.1:6390')).toBe(6390);
    expect(redisPort('rediss://:secret@redis.internal:7000/2')).toBe(7000);
  });

  it("is Redis's own port when the URL names none or cannot be read", () => {
    expect(redisPort('redis://127.0.0.1')).toBe(6379);
    expect(redisPort('not a url')).toBe(6379);
  });
});
