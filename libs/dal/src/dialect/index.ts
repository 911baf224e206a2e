export * from './dialect';
export * from './column-types';
export * from './driver-errors';
export * from './statements';
