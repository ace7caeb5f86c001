// BullMQ starts sandboxed processors in a plain `node` child process. Compiled (dist/), this hands
// BullMQ render-sandbox.js beside it; from the sources, that process cannot load TypeScript, so this
// registers tsx's loader there first, then hands BullMQ the real processor.
//
// The parent watch (parent-watch.ts, no imports of its own) starts before the processor loads: on a
// loaded machine loading it takes seconds, and a child whose worker was killed meanwhile must not
// live on (RELIABILITY: render children die with their run).
import fs from 'node:fs';

const compiled = new URL('./render-sandbox.js', import.meta.url);
const fromDist = fs.existsSync(compiled);
if (!fromDist) {
  const { register } = await import('tsx/esm/api');
  register();
}
if (process.send) {
  const { exitWithParent } = await import(fromDist ? './parent-watch.js' : './parent-watch.ts');
  const parentPid = Number(process.env.MISSIVE_SANDBOX_PARENT_PID); // render-sandbox.ts SANDBOX_PARENT_PID_ENV
  exitWithParent({ parentPid: Number.isInteger(parentPid) && parentPid > 0 ? parentPid : undefined });
}
const { default: processor } = await import(fromDist ? compiled.href : './render-sandbox.ts');
export default processor;
