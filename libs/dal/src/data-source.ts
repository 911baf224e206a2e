import { DataSource } from 'typeorm';
import { loadConfigFromEnvironment } from '@app/core';
import { buildDataSourceOptions } from './data-source-options';

/** Entry point of the TypeORM CLI (`npm run migration:run|revert`), same options as the app. */
export default new DataSource(buildDataSourceOptions(loadConfigFromEnvironment().database));
