import { Module } from '@nestjs/common';
import { MembersService } from './members.service';
import { PlansService } from './plans.service';

const providers = [PlansService, MembersService];

/** Benefit plans and their versions (the rule sets), and the members enrolled in them. */
@Module({ providers, exports: providers })
export class CoverageModule {}
