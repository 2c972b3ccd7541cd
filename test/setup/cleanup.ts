// Runs in every test file: its temp directories go when the file is done (vitest may end a worker
// without Node's 'exit' event, which left hundreds of them behind per run).
import { afterAll } from 'vitest';
import { removeTempDirs } from '../helpers/stores.ts';

afterAll(() => removeTempDirs());
