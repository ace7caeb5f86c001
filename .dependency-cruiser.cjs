// Import rules of src/ (issue 23), checked by `npm run lint:deps` (part of `npm run lint`, so of
// `npm test` and `npm run check`). docs/ARCHITECTURE.md "Layers" shows the same order.
//
// LAYERS lists the stage folders from the bottom up. A folder may import its own files, `core`, and the
// folders of the layers below its own; never a folder of its own layer or of a layer above. From another
// folder, a stage is reached only through its entry points (ENTRY_POINTS: `index.ts`, and `heavy.ts` for
// modules that load heavy packages; `core` is exempt: every stage uses its small files directly). Tests
// beside the code (`*.test.ts`) keep the layer order but may reach into a stage's files. No cycles in src/
// (type-only cycles included). The layer order itself is in .dependency-cruiser-layers.cjs.

const { LAYERS, ENTRY_POINTS } = require('./.dependency-cruiser-layers.cjs');

const TEST = '\\.test\\.ts$';

/** One rule per layer: its folders may import only themselves and the folders below. */
function layerRules() {
  return LAYERS.map((layer, i) => {
    const below = LAYERS.slice(0, i).flat();
    return {
      name: `layer-${layer.join('-')}`,
      severity: 'error',
      comment: `${layer.join(', ')} may import only ${below.length ? below.join(', ') : 'nothing of src/'} (docs/ARCHITECTURE.md "Layers").`,
      from: { path: `^src/(${layer.join('|')})/` },
      to: { path: '^src/[^/]+/', pathNot: `^src/($1|${below.length ? below.join('|') : '$1'})/` },
    };
  });
}

module.exports = {
  forbidden: [
    ...layerRules(),
    {
      name: 'stage-entry-point',
      severity: 'error',
      comment:
        'Another stage is reached only through its entry points (index.ts, heavy.ts; core excepted): its public surface.',
      from: { path: '^src/([^/]+)/', pathNot: TEST },
      to: { path: '^src/[^/]+/', pathNot: ['^src/($1|core)/', ...ENTRY_POINTS] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles in src/ (they make module start-up order matter).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-tests',
      severity: 'error',
      comment: 'Production code does not import test files or test support (fixtures live in test/).',
      from: { path: '^src/', pathNot: TEST },
      to: { path: [TEST, '^test/'] },
    },
  ],
  options: {
    includeOnly: '^(src|test)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
