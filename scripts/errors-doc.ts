// Regenerates docs/errors.md from the table in src/core/error-codes.ts:
// `node --import tsx scripts/errors-doc.ts`, then `npx biome check --write docs/errors.md`.
import fs from 'node:fs';
import { ERRORS, MERGED_CODES } from '../src/core/error-codes.ts';

const rows = Object.entries(ERRORS).map(
  ([code, { statusCode, message }]) => `| \`${code}\` | ${statusCode} | ${message} |`,
);
const merged = Object.entries(MERGED_CODES).map(
  ([old, { into, case: what }]) => `- \`${old}\` (${what}) is now \`${into}\`.`,
);
const doc = `# Error codes

Every error Missive raises on purpose is a \`MissiveError\` with one of these stable codes, a message
and details (\`file\`, \`line\`, \`field\`, \`customerId\`, \`runId\` — ids, never personal data). The CLI
prints them as \`file:line field: message [CODE]\` and exits with 1. The API answers
\`{ "error": { "code", "message", "details" } }\` with the HTTP status of the code (422 for a code
that is not about the request itself). Generated from the table in \`src/core/error-codes.ts\` by
\`scripts/errors-doc.ts\`; \`test/errors-doc.test.ts\` keeps them in sync.

| code | HTTP | meaning |
|---|---|---|
${rows.join('\n')}

## Merged codes

Codes that are no longer raised because another code names the same case:

${merged.join('\n')}
`;
fs.writeFileSync(new URL('../docs/errors.md', import.meta.url), doc);
