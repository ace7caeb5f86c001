// Types of dist-freshness.mjs (plain JavaScript: it runs before anything is compiled) for the
// TypeScript that asks it, e.g. test/support/cli-start.ts.
export declare const STAMP: string;
export declare function findStaleSource(root: string): { stale: boolean; reason?: string };
