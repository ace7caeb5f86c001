// Worker threads start without the tsx loader; register it, then load the reference renderer.
import { register } from 'tsx/esm/api';

register();
await import('./pure-render-thread.ts');
