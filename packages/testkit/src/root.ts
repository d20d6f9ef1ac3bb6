import { join } from 'node:path';

/** The repository's root: the services' folders, their dev.env and bundles, and .var are found from it. */
export const ROOT = join(__dirname, '..', '..', '..');
