import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

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
  if (problem.status >= 500)
    logger.error(`${req.method} ${req.url} [${req.id}]`, err instanceof Error ? err.stack : String(err));
  if (problem.status === 503) void reply.header('retry-after', '5');
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}
