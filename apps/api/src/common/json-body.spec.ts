import { BadRequestException } from '@nestjs/common';
import { parseJsonBody } from './json-body';

describe('parseJsonBody', () => {
  it('parses JSON', () => {
    expect(parseJsonBody('{"externalRef":"x","lines":[1]}')).toEqual({ externalRef: 'x', lines: [1] });
  });

  it.each([
    ['{"__proto__": {"admin": true}}', /__proto__ or constructor\.prototype/],
    ['{"a": {"constructor": {"prototype": {"admin": true}}}}', /__proto__ or constructor\.prototype/],
    ['{"externalRef": "x",', /^Body is not valid JSON: /],
    ['', /^Body is empty/],
  ])('refuses %j with a 400 that says why', (text, message) => {
    let thrown: unknown;
    try {
      parseJsonBody(text);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BadRequestException);
    expect((thrown as Error).message).toMatch(message);
  });
});
