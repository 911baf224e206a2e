import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { McpConfigurationEntity, McpConfigurationRepository } from '@app/dal';
import { McpConfigurationsController } from './mcp-configurations.controller';
import { McpConfigurationsService } from './mcp-configurations.service';

@Module({
  imports: [TypeOrmModule.forFeature([McpConfigurationEntity])],
  controllers: [McpConfigurationsController],
  providers: [McpConfigurationRepository, McpConfigurationsService],
  exports: [McpConfigurationRepository, McpConfigurationsService],
})
export class ConfigurationsModule {}
