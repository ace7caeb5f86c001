// BullMQ starts sandboxed processors in a plain `node` child process that cannot load TypeScript.
// This shim registers tsx's loader there, then hands BullMQ the real processor.
import { register } from 'tsx/esm/api';

register();
const { default: processor } = await import('./render-sandbox.ts');
export default processor;
