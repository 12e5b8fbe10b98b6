import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the Docker build context of the gateway image (the root `Dockerfile` and
 * `.dockerignore`), and the base of relative paths in the config. From src/ three levels up, whether
 * this file runs from packages/infra/src under tsx or anywhere else in the same layout.
 */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A config path (relative to the repository root, or absolute) as an absolute path. */
export function fromRepositoryRoot(relativeOrAbsolute: string): string {
  return path.resolve(REPOSITORY_ROOT, relativeOrAbsolute);
}
