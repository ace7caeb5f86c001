/**
 * The render stage's modules that load heavy packages (pdfkit, MJML, BullMQ, fastify, nodemailer, Twilio,
 * the AWS SDK…). Import this file statically only from code that loads them anyway; light code (the CLI's
 * quick commands) imports it with `await import()`, so `missive --help` and `customers show` stay fast.
 */
export { requireDataContract } from './data-contract.ts';
export { type LintIssue, lintTemplateFiles, lintTemplatePackage } from './lint-render.ts';
export type { Matrix } from './pdf/barcode.ts';
export type { BlockBox } from './pdf/block-map.ts';
export { fontNames } from './pdf/fonts.ts';
export { type ChannelRender, type RenderOptions, renderForChannel } from './render-channel.ts';
