// The parse worker thread's entry. Compiled (dist/), it loads parse-thread.js beside it. From the
// sources, the thread starts without the tsx loader the CLI registered in the main thread: this shim
// registers it, then loads the real parse thread.
import fs from 'node:fs';

const compiled = new URL('./parse-thread.js', import.meta.url);
if (fs.existsSync(compiled)) await import(compiled.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./parse-thread.ts');
}
