// Regenerates docs/errors.md from src/core/errors.ts: `node --import tsx scripts/errors-doc.ts`.
import fs from 'node:fs';
import { ERROR_CODES } from '../src/core/errors.ts';

const rows = Object.entries(ERROR_CODES).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`);
const doc = `# Error codes

Every error Missive raises on purpose is a \`MissiveError\` with one of these stable codes, a message
and details (\`file\`, \`line\`, \`field\`, \`customerId\`, \`runId\` — ids, never personal data). The CLI
prints them as \`file:line field: message [CODE]\` and exits with 1. Generated from
\`src/core/errors.ts\` by \`scripts/errors-doc.ts\`; \`test/errors-doc.test.ts\` keeps them in sync.

| code | meaning |
|---|---|
${rows.join('\n')}
`;
fs.writeFileSync(new URL('../docs/errors.md', import.meta.url), doc);
