/**
 * The api stage's modules that load heavy packages (pdfkit, MJML, BullMQ, fastify, nodemailer, Twilio,
 * the AWS SDK…). Import this file statically only from code that loads them anyway; light code (the CLI's
 * quick commands) imports it with `await import()`, so `missive --help` and `customers show` stay fast.
 * Routes are here too: they only serve on a fastify server (the tracking routes load the feedback stage).
 */
export { buildApp } from './app.ts';
export { registerTrackingRoutes } from './routes/tracking.ts';
export { startServer } from './server.ts';
