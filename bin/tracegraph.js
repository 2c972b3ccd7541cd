#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so `npx tracegraph` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
