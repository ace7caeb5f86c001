/**
 * The templates stage's modules that load heavy packages (pdfkit, MJML, BullMQ, fastify, nodemailer, Twilio,
 * the AWS SDK…). Import this file statically only from code that loads them anyway; light code (the CLI's
 * quick commands) imports it with `await import()`, so `missive --help` and `customers show` stay fast.
 */
export { type CompiledTemplate, compileTemplate, compileTemplateAsync } from './compile.ts';
export { loadPublishedTemplate } from './load-published.ts';
export { type PublishedTemplate, publishTemplateFiles, publishTemplatePackage } from './publish.ts';
