// Start-up guard (issue 23): a stage's index.ts is what light code imports statically, so it must not
// load a heavy package. This check follows only the imports that run — type-only imports are erased and
// `await import()` loads later — from every src/<stage>/index.ts. `npm run lint:deps` runs it after
// .dependency-cruiser.cjs. Heavy modules are reached through the stage's heavy.ts instead.
const { HEAVY_PACKAGES } = require('./.dependency-cruiser-layers.cjs');

const heavy = `node_modules/(${HEAVY_PACKAGES.join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'light-entry',
      severity: 'error',
      comment:
        'index.ts loads a heavy package at start-up: export that module from heavy.ts and import it lazily.',
      from: { path: '^src/[^/]+/index\\.ts$' },
      to: { path: heavy, reachable: true },
    },
  ],
  options: {
    includeOnly: `^src/|${heavy}`,
    doNotFollow: { path: 'node_modules' },
    exclude: { dynamic: true },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
