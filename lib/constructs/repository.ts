import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root: handler entries and ASL files are declared relative to it. */
export const repositoryRoot: string = fileURLToPath(new URL('../..', import.meta.url));
