import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FieldCipherError } from '@claimtrail/claims';
import { PROBLEM_CONTENT_TYPE, retryAfterSeconds, toProblem } from './problem';

/** The one place errors become HTTP answers: RFC 9457 problem+json with a correlation id. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    sendProblem(err, ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>(), this.logger);
  }
}

/** Writes `err` as a problem. */
function sendProblem(err: unknown, req: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const problem = toProblem(err, req.url, String(req.id));
  if (problem.status >= 500 || err instanceof FieldCipherError)
    logger.error(`${req.method} ${req.url} [${req.id}]`, err instanceof Error ? err.stack : String(err));
  const retryAfter = retryAfterSeconds(err, problem);
  if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}
