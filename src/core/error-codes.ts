/**
 * Every code Missive raises on purpose, with its HTTP status and its message, in one table — the
 * shape of fastify's `lib/errors.js` (code, message, statusCode). A `MissiveError` carries the
 * status of its code as `statusCode`, which the API's error handler answers with; the message here
 * is what the code means (and the error's message when a raise site gives none). Codes follow the
 * area-then-problem shape (MSV_<AREA>_<PROBLEM>). docs/errors.md is generated from this table
 * (`scripts/errors-doc.ts`); test/errors-doc.test.ts keeps the two in sync, and
 * test/error-codes-raised.test.ts checks that every code here is raised somewhere in src and every
 * code src raises is here. A code that is not an HTTP answer is a 422 (what the API always gave).
 */
export interface ErrorSpec {
  readonly statusCode: number;
  readonly message: string;
}

export const ERRORS = {
  MSV_CONFIG_INVALID: { statusCode: 400, message: 'An environment variable or option has an invalid value.' },
  MSV_INPUT_BAD_ROW: {
    statusCode: 422,
    message: 'A customer row could not be imported (file, line, field and reason in details).',
  },
  MSV_INPUT_BAD_FILE: {
    statusCode: 422,
    message: 'An input file could not be read or has an unknown format.',
  },
  MSV_INPUT_BAD_MAPPING: { statusCode: 422, message: 'A column mapping file is invalid.' },
  MSV_INPUT_BAD_ENCODING: { statusCode: 422, message: 'A customer row is not valid UTF-8.' },
  MSV_INPUT_COLUMN_COUNT: {
    statusCode: 422,
    message: 'A customer row has more or fewer columns than the header.',
  },
  MSV_INPUT_BAD_VALUE: {
    statusCode: 422,
    message: 'A customer field value has the wrong type or shape (number, date, e-mail, phone…).',
  },
  MSV_INPUT_MISSING_VALUE: {
    statusCode: 422,
    message: 'A required customer field (such as the id) is empty.',
  },
  MSV_INPUT_DUPLICATE_ID: {
    statusCode: 422,
    message: 'A customer id appears more than once in one import file.',
  },
  MSV_INPUT_WRONG_ENCODING: {
    statusCode: 422,
    message:
      'The file is not in its declared encoding (UTF-8 by default); the message names the one it looks like, e.g. --encoding gb18030.',
  },
  MSV_INPUT_TOO_LONG: {
    statusCode: 422,
    message:
      'A customer field is longer than its limit (name 200, address line 200, e-mail 254, text 1,000 by default; "limits" in the mapping).',
  },
  MSV_INPUT_CONTROL_CHARACTER: {
    statusCode: 422,
    message:
      'A customer field holds a control character (NUL, escape…; a line break or tab in a name, address line, e-mail or id).',
  },
  MSV_INPUT_BIDI_CONTROL: {
    statusCode: 422,
    message:
      'A customer field holds a bidirectional override or isolate character (U+202A–U+202E, U+2066–U+2069).',
  },
  MSV_INPUT_RECORD_TOO_LONG: {
    statusCode: 422,
    message:
      'A record is longer than 1 MiB (a runaway field); it was skipped and reading went on at the next record.',
  },
  MSV_INPUT_UNBALANCED_QUOTE: {
    statusCode: 422,
    message:
      'A quote opened on this line is not closed where its record should end; the line was rejected and reading went on.',
  },
  MSV_STORE_MIGRATION_FAILED: { statusCode: 422, message: 'A database migration failed.' },
  MSV_STORE_NOT_FOUND: { statusCode: 404, message: 'A record that was asked for does not exist.' },
  MSV_STORE_UNAVAILABLE: { statusCode: 503, message: 'The database could not be opened or reached.' },
  MSV_REDIS_MISSING: { statusCode: 422, message: 'redis-server is not installed and REDIS_URL is not set.' },
  MSV_REDIS_START_FAILED: { statusCode: 422, message: 'The embedded redis-server did not start.' },
  MSV_REDIS_FULL: {
    statusCode: 503,
    message:
      'Redis refused a write because it reached maxmemory (noeviction): nothing was lost; free memory or raise maxmemory and run again.',
  },
  MSV_REDIS_POLICY: { statusCode: 422, message: 'Redis must run with maxmemory-policy noeviction.' },
  MSV_REDIS_UNAVAILABLE: {
    statusCode: 422,
    message:
      'Redis could not be reached for longer than MISSIVE_REDIS_UNAVAILABLE_MS (60 s by default), or the embedded redis-server could not be restarted: the run stopped, nothing was lost; run the same command again once Redis is back.',
  },
  MSV_REDIS_CANNOT_PERSIST: {
    statusCode: 422,
    message:
      'Redis refuses writes because it cannot write its append-only or snapshot file (MISCONF, usually a full disk): the run stopped, nothing was lost; free space, then run the same command again.',
  },
  MSV_DISK_FULL: {
    statusCode: 422,
    message:
      'A disk is full: the database (SQLITE_FULL) or the archive (ENOSPC) could not be written; the run stopped, nothing was lost; free space on the path named, then run the same command again.',
  },
  MSV_TEMPLATE_INVALID: {
    statusCode: 422,
    message: 'A template package is missing a file or has an invalid manifest or layout.',
  },
  MSV_TEMPLATE_IMAGE_INVALID: {
    statusCode: 422,
    message:
      'A package image is missing, not a real PNG/JPEG, corrupt, or over the size limits (4000×4000 px, 2 MB).',
  },
  MSV_TEMPLATE_NOT_FOUND: { statusCode: 404, message: 'No template package or version with that name.' },
  MSV_BRAND_INVALID: {
    statusCode: 422,
    message:
      "A brand (brands/<name>/brand.yaml and its logo) is invalid, or a template needs the run's brand and none was given.",
  },
  MSV_BRAND_NOT_FOUND: {
    statusCode: 422,
    message: 'No brand folder with that name (the known brands are listed in the message).',
  },
  MSV_TEMPLATE_VARIABLE_MISSING: {
    statusCode: 422,
    message:
      'A template refers to a variable the document data does not have (file, path and variable in details).',
  },
  MSV_RENDER_FAILED: { statusCode: 422, message: 'A document could not be rendered for a customer.' },
  MSV_RENDER_DATA_INVALID: {
    statusCode: 422,
    message: "Document data does not match the template's data schema (field in details).",
  },
  MSV_RENDER_BARCODE_INVALID: {
    statusCode: 422,
    message: 'A QR code or barcode value cannot be encoded in its symbology (field in details).',
  },
  MSV_RENDER_TIMEOUT: {
    statusCode: 422,
    message:
      'Rendering one document took longer than its time cap (MISSIVE_RENDER_TIMEOUT_MS); it was stopped and only that document failed.',
  },
  MSV_RENDER_MEMORY: {
    statusCode: 422,
    message:
      'Rendering one document needed more heap than its cap (MISSIVE_RENDER_MAX_HEAP_MB); it was stopped and only that document failed.',
  },
  MSV_RENDER_GLYPH_MISSING: {
    statusCode: 422,
    message: 'A character has no glyph in any font of the fallback chain.',
  },
  MSV_ARCHIVE_TAMPERED: { statusCode: 409, message: 'A stored blob no longer matches its sha256.' },
  MSV_ARCHIVE_NOT_FOUND: { statusCode: 404, message: 'No blob is stored under that sha256.' },
  MSV_ARCHIVE_DECRYPT_FAILED: {
    statusCode: 422,
    message: 'A sealed archive object (a merge-data snapshot) does not decrypt with its data key.',
  },
  MSV_ARCHIVE_SHREDDED: {
    statusCode: 422,
    message:
      'The data key of an archived object was deleted by an erasure (crypto-shredded): its content is gone for good.',
  },
  MSV_ARCHIVE_INPUT_MISSING: {
    statusCode: 422,
    message:
      'A communication has no stored input snapshot (rendered before snapshots existed, or purged), so it cannot be replayed.',
  },
  MSV_ARCHIVE_LOG_INVALID: {
    statusCode: 422,
    message:
      'The tamper-evident archive log does not verify: an entry was changed, inserted or removed (first bad index in details).',
  },
  MSV_ARCHIVE_CHECKPOINT_INVALID: {
    statusCode: 422,
    message: 'A log checkpoint file is malformed, signed by another key, or its signature does not verify.',
  },
  MSV_ARCHIVE_KEY_INVALID: {
    statusCode: 422,
    message: 'The log signing key file cannot be read or is not an Ed25519 private key.',
  },
  MSV_ARCHIVE_RETENTION_INVALID: {
    statusCode: 422,
    message: 'The retention policy file is missing, not valid YAML or does not match its schema.',
  },
  MSV_DATASOURCE_INVALID: {
    statusCode: 422,
    message:
      'A data source definition (datasources/<type>/datasource.yaml) is missing, not valid YAML or does not match its schema (file and path in details).',
  },
  MSV_DATASOURCE_NOT_FOUND: {
    statusCode: 422,
    message:
      'A communication type needs document data that no data source provides (no datasources/<type>/ folder).',
  },
  MSV_DATA_CONTRACT: {
    statusCode: 422,
    message:
      'A data source cannot produce a field its template needs (required by the data schema or used by the layout); the field is named.',
  },
  MSV_DATA_MISSING: {
    statusCode: 422,
    message:
      'A customer has no rows in a feed its document requires (feed, customer and period in details); only that customer fails.',
  },
  MSV_FEED_NOT_LOADED: {
    statusCode: 422,
    message:
      'A run needs a feed that has no load for its as-of period (`missive feeds status` lists what is loaded).',
  },
  MSV_FEED_CONTROL_MISMATCH: {
    statusCode: 422,
    message:
      "A feed's loaded rows or amount sum differ from its control totals (trailer or .ctl file); a run refuses that period.",
  },
  MSV_FEED_ORPHAN: {
    statusCode: 422,
    message:
      "A feed row's parent key (customer or parent-feed row) does not exist in the store for that period.",
  },
  MSV_FEED_DUPLICATE_KEY: {
    statusCode: 422,
    message: 'A feed row repeats the key of an earlier row of the same file.',
  },
  MSV_FEED_CONTROL_INVALID: {
    statusCode: 422,
    message: "A feed's control file or trailer record cannot be read (file and line in details).",
  },
  MSV_RUN_NOT_FOUND: { statusCode: 404, message: 'No run with that id.' },
  MSV_RUN_SOURCE: {
    statusCode: 422,
    message:
      "The run's customer source cannot be used (a segment the published catalog does not name, a file run whose file was never read…).",
  },
  MSV_RUN_STATE: {
    statusCode: 409,
    message:
      'The run is not in a state that allows this (e.g. resume a run that is not paused, cancel a finished run).',
  },
  MSV_RUN_PERIOD_TAKEN: {
    statusCode: 409,
    message:
      'A run of this communication type and as-of date already stands (a customer would get two documents for one period); `--supersede RUN` names the run the new one replaces.',
  },
  MSV_PRINT_ADDRESS_INVALID: {
    statusCode: 422,
    message:
      "A customer's postal address cannot go on an envelope (no lines, postal code, city or ISO country); the document is left out of the print stream.",
  },
  MSV_PRINT_DOCUMENT_INVALID: {
    statusCode: 422,
    message:
      'An archived PDF cannot be read, or its page count differs from the ledger; the document is left out of the print stream.',
  },
  MSV_RULES_CATALOG_INVALID: {
    statusCode: 422,
    message:
      'An offer catalog file is missing, is not valid YAML or does not match its schema (file and path in details).',
  },
  MSV_RULES_UNKNOWN_OPERATOR: {
    statusCode: 422,
    message: 'A json-logic rule uses an operator json-logic does not have (offer and path in details).',
  },
  MSV_RULES_UNKNOWN_VARIABLE: {
    statusCode: 422,
    message:
      'A json-logic rule reads a variable that is not a trait, computed trait or segment (offer and path in details).',
  },
  MSV_RULES_TYPE_MISMATCH: {
    statusCode: 422,
    message:
      'A json-logic rule compares values of different types, e.g. a string trait with a number (offer and path in details).',
  },
  MSV_RULES_NEVER_TRUE: {
    statusCode: 422,
    message:
      'A rule is false for every sample customer, so it can never select anyone (offer and path in details).',
  },
  MSV_RULES_TRAIT_ABSENT: {
    statusCode: 422,
    message:
      'A trait the catalog declares is absent (missing or null) for most sample or stored customers (trait and counts in the message).',
  },
  MSV_RULES_SEGMENT_DOMINANT: {
    statusCode: 422,
    message:
      'A warning: one segment (a named segment or a value of a segmentation dimension) holds more than 90 % of the sample or stored customers.',
  },
  MSV_RULES_UNKNOWN_TYPE: {
    statusCode: 404,
    message:
      'No communication type of the published catalog (nor a service-document template) has that name; the message lists the known ones.',
  },
  MSV_RULES_NOT_PUBLISHED: {
    statusCode: 409,
    message: 'No offer catalog has been published (run `missive offers publish DIR`).',
  },
  MSV_CHANNEL_HEADER_INJECTION: {
    statusCode: 422,
    message: 'A header value or envelope address contains CR or LF (header injection); nothing was sent.',
  },
  MSV_CHANNEL_REJECTED: {
    statusCode: 422,
    message:
      'The provider refused the message for good (SMTP 5xx, a Twilio error code such as 21211); recorded as a bounce.',
  },
  MSV_CHANNEL_TEMPORARY: {
    statusCode: 422,
    message: 'The provider refused the message for now (SMTP 4xx, HTTP 429/503); it is retried later.',
  },
  MSV_CHANNEL_UNKNOWN: {
    statusCode: 422,
    message:
      'The provider may have accepted the message (timeout, connection lost after DATA, HTTP 5xx on the POST); it is reconciled, never resent blindly.',
  },
  MSV_CHANNEL_UNREACHABLE: {
    statusCode: 422,
    message:
      "The customer has no usable contact point on this channel; the decision's fallback channel is used.",
  },
  MSV_CHANNEL_NOT_CONFIGURED: {
    statusCode: 503,
    message:
      'A channel is needed that is not configured (SMTP URL, Twilio account and token); a Twilio webhook answers 503.',
  },
  MSV_CHANNEL_QUIET_HOURS: {
    statusCode: 422,
    message: "An SMS would arrive in the customer's quiet hours; it is sent after them.",
  },
  MSV_WEBHOOK_SIGNATURE_INVALID: {
    statusCode: 403,
    message:
      'A webhook request (Twilio status callback or inbound SMS) has a missing or wrong X-Twilio-Signature: 403, nothing recorded.',
  },
  MSV_API_BAD_REQUEST: {
    statusCode: 400,
    message: 'An API request body or parameter is invalid (path in details).',
  },
  MSV_API_INTERNAL: {
    statusCode: 500,
    message: 'An unexpected error in the API; the response carries no internals.',
  },
  MSV_API_NOT_FOUND: { statusCode: 404, message: 'No API route or page at that path and method.' },
  MSV_API_RATE_LIMITED: {
    statusCode: 429,
    message: 'Too many requests from this address; wait and try again (Retry-After says how long).',
  },
  MSV_AUTH_REQUIRED: {
    statusCode: 401,
    message: 'The route needs a session (sign in) or an API token (Authorization: Bearer).',
  },
  MSV_AUTH_BAD_CREDENTIALS: { statusCode: 401, message: 'Wrong user name or password, or a disabled user.' },
  MSV_AUTH_FORBIDDEN: {
    statusCode: 403,
    message:
      "The signed-in user's role may not use this route, or the object does not belong to the customer in the route.",
  },
  MSV_AUTH_CSRF: {
    statusCode: 403,
    message: "A form post or API call with a session cookie lacked the session's CSRF token.",
  },
  MSV_AUTH_USER_EXISTS: { statusCode: 409, message: 'A user with that name already exists.' },
  MSV_FEEDBACK_TOKEN_INVALID: {
    statusCode: 422,
    message: 'A tracking token is malformed, tampered with, signed with another key or for another purpose.',
  },
  MSV_FEEDBACK_TOKEN_EXPIRED: { statusCode: 422, message: 'A tracking token is past its expiry.' },
  MSV_FEEDBACK_BAD_TARGET: {
    statusCode: 422,
    message: 'A tracked link target is not an absolute http(s) URL.',
  },
  MSV_FEEDBACK_BAD_ROW: {
    statusCode: 422,
    message: 'A conversion file row could not be imported (file, line, field and reason in details).',
  },
  MSV_FEEDBACK_NO_LOGS: {
    statusCode: 422,
    message: 'Offline evaluation found no logged decisions with offers and propensities.',
  },
  MSV_STUDIO_DRAFT_NOT_FOUND: { statusCode: 404, message: 'No studio draft with that id.' },
  MSV_STUDIO_DRAFT_STATE: {
    statusCode: 409,
    message:
      'The studio draft is not in the state the step needs (only a draft is edited or submitted, only a submitted draft approved).',
  },
  MSV_STUDIO_SELF_APPROVAL: {
    statusCode: 403,
    message: 'Four eyes: whoever submitted a studio draft cannot approve it; another approver must.',
  },
  MSV_STUDIO_LINT_FAILED: {
    statusCode: 422,
    message:
      'A studio draft has lint errors (compile, missing variables, render); fix them before submitting.',
  },
  MSV_STUDIO_ASSET_INVALID: {
    statusCode: 422,
    message:
      'A studio upload is not a PNG, JPEG or safe SVG, is over the size limits, or its name is taken by another picture.',
  },
  MSV_STUDIO_NO_CHANGES: {
    statusCode: 409,
    message:
      'A studio draft has the same files as the version it would replace: there is nothing to submit or publish.',
  },
  MSV_FEEDBACK_TRACKING_OFF: {
    statusCode: 422,
    message:
      'A marketing email or SMS was to be made by a worker without tracking settings (public URL, tracking key); it is not made with untracked links.',
  },
  MSV_FEEDBACK_LINK_COLLISION: {
    statusCode: 422,
    message:
      'A short tracked link code is already taken by another link (a 59.5-bit collision); the document is not archived.',
  },
  MSV_PORTAL_CODE_INVALID: {
    statusCode: 401,
    message:
      'A self-service sign-in code is wrong, or no sign-in was started in this browser (attempts left in details).',
  },
  MSV_PORTAL_CODE_SPENT: {
    statusCode: 410,
    message:
      'A self-service sign-in code was already used, has expired (10 minutes) or has had all its attempts: ask for a new one.',
  },
  MSV_PORTAL_LOCKED: {
    statusCode: 429,
    message:
      'Too many wrong sign-in codes for this customer lately: self-service sign-in is locked for a while (429).',
  },
  MSV_PORTAL_LINK_INVALID: {
    statusCode: 410,
    message:
      "A document link from a statement or bill e-mail cannot be opened: altered, expired, not the customer's document, or closed when the customer signed out (one answer for all); sign in with a code.",
  },
} as const satisfies Record<`MSV_${string}`, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * Codes that were merged into another: an old code still in someone's logs or scripts is named in
 * docs/errors.md with the code that replaced it. Never raised.
 */
export const MERGED_CODES: Readonly<Record<string, { into: ErrorCode; case: string }>> = {
  MSV_FEEDBACK_BAD_SIGNATURE: {
    into: 'MSV_WEBHOOK_SIGNATURE_INVALID',
    case: 'a missing or wrong X-Twilio-Signature on the inbound SMS webhook',
  },
};

/** True when `value` is one of the stable codes (e.g. a code that crossed a thread boundary). */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERRORS, value);
}
