import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { McpServerAccessGroupEntity, McpServerEntity, McpServerRepository } from '@app/dal';
import { ServerRegistryController } from './server-registry.controller';
import { ServerRegistryService } from './server-registry.service';

@Module({
  imports: [TypeOrmModule.forFeature([McpServerEntity, McpServerAccessGroupEntity])],
  controllers: [ServerRegistryController],
  providers: [McpServerRepository, ServerRegistryService],
  exports: [McpServerRepository],
})
export class RegistryModule {}
