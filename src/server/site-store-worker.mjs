// The store worker's entry: a worker thread loads TypeScript only once tsx is registered in it.
import { register } from 'tsx/esm/api';

register();
await import('./site-store-worker.ts');
