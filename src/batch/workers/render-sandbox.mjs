// BullMQ starts sandboxed processors in a plain `node` child process. Compiled (dist/), this hands
// BullMQ render-sandbox.js beside it; from the sources, that process cannot load TypeScript, so this
// registers tsx's loader there first, then hands BullMQ the real processor.
import fs from 'node:fs';

const compiled = new URL('./render-sandbox.js', import.meta.url);
let processor;
if (fs.existsSync(compiled)) ({ default: processor } = await import(compiled.href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ default: processor } = await import('./render-sandbox.ts'));
}
export default processor;
