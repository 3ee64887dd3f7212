import { Module } from '@nestjs/common';
import { AdjudicationService } from './adjudication.service';
import { ReviewService } from './review.service';
import { SweeperService } from './sweeper.service';

const providers = [AdjudicationService, ReviewService, SweeperService];

/** Deciding claims against their plan's rule set, a reviewer's decision on pended claims, replay. */
@Module({ providers, exports: providers })
export class AdjudicationModule {}
