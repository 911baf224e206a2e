import { Global, Module } from '@nestjs/common';
import { AuditEventRepository } from '@app/dal';
import { AuditService } from './audit.service';

@Global()
@Module({
  providers: [AuditEventRepository, AuditService],
  exports: [AuditService],
})
export class AuditModule {}
