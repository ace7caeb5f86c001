// Worker threads start without the tsx loader the CLI registered in the main thread.
// This shim registers it, then loads the real parse thread.
import { register } from 'tsx/esm/api';

register();
await import('./parse-thread.ts');
