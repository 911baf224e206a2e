import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  McpServerAccessGroupEntity,
  McpServerEntity,
  McpServerRepository,
  RegistryRevisionRepository,
} from '@app/dal';
import { ServerRegistryController } from './server-registry.controller';
import { ServerListCache } from './server-list.cache';
import { ServerRegistryService } from './server-registry.service';

@Module({
  imports: [TypeOrmModule.forFeature([McpServerEntity, McpServerAccessGroupEntity])],
  controllers: [ServerRegistryController],
  providers: [
    McpServerRepository,
    RegistryRevisionRepository,
    ServerListCache,
    ServerRegistryService,
  ],
  exports: [McpServerRepository],
})
export class RegistryModule {}
