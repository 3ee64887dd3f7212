import { Module } from '@nestjs/common';
import { TypeOrmAdjudicationRepository } from '../infra/repositories/typeorm-adjudication.repository';
import { AdjudicationRepository } from './adjudication.repository';
import { AdjudicationService } from './adjudication.service';
import { ReviewService } from './review.service';
import { SweeperService } from './sweeper.service';

const services = [AdjudicationService, ReviewService, SweeperService];

/** Deciding claims against their plan's rule set, a reviewer's decision on pended claims, replay. */
@Module({
  providers: [...services, { provide: AdjudicationRepository, useClass: TypeOrmAdjudicationRepository }],
  exports: services,
})
export class AdjudicationModule {}
