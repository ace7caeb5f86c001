/** The file formats and CSV delimiters a customer file or feed may have (mapping.ts and source-format.ts read them). */
export const SOURCE_FORMATS = ['csv', 'ndjson'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];
export const DELIMITERS = [',', ';', '\t', '|'] as const;
