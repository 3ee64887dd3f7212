import { type PipeTransform } from '@nestjs/common';
import { ZodError, type ZodType } from 'zod';

/**
 * Validates and parses a request part against a zod schema; a ZodError becomes a 400 problem.
 * `field` names the part (a path parameter, say) so problems point at it.
 */
export class ZodPipe<T> implements PipeTransform<unknown, T> {
  constructor(
    private readonly schema: ZodType<T>,
    private readonly field?: string,
  ) {}

  transform(value: unknown): T {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    if (!this.field) throw result.error;
    throw new ZodError(result.error.issues.map((i) => ({ ...i, path: [this.field!, ...i.path] })));
  }
}
