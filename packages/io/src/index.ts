export type { Mat4, VoxelArray, ShapeXYZ, ShapeZYX, VolumeKind, VolumeXYZ, VolumeZYX } from './volume.js';
