import { Module } from '@nestjs/common';
import { ApiHealthCheckerModule } from '../probe/api-health-checker.module';
import { ToolBaselinesService } from './tool-baselines.service';

/** Tool baselines for the registry and configurations features (drift review, approval, /tools). */
@Module({
  imports: [ApiHealthCheckerModule],
  providers: [ToolBaselinesService],
  exports: [ToolBaselinesService],
})
export class ToolBaselinesModule {}
