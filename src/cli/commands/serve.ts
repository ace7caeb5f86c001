import type { Command } from 'commander';
import { MissiveError } from '../../core/errors.ts';
import { openRuntime } from '../runtime.ts';

/** `missive serve`: the API and the call-center UI, on loopback unless told otherwise, until SIGTERM/SIGINT. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve the REST API (OpenAPI at /docs) and the call-center UI')
    .option('--port <n>', 'TCP port (0: any free one)', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        throw new MissiveError('MSV_CONFIG_INVALID', `--port: ${opts.port} is not a TCP port`, {
          field: '--port',
        });
      }
      // fastify, its plugins and every route load when the server starts, not with `serve --help` (issue 18).
      const { startServer } = await import('../../api/heavy.ts');
      const rt = await openRuntime();
      const { app, url } = await startServer(rt, { port, host: opts.host });
      process.stdout.write(
        `missive serving on ${url} (UI: ${url}/ui/search, API description: ${url}/docs)\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await app.close();
      await rt.close();
      process.stdout.write('missive server stopped\n');
    });
}
