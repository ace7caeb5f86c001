/**
 * The render thread of a guarded renderer (guarded-renderer.ts): compiles each template version once,
 * renders one document per request and posts the artifact back (its bytes transferred, not copied).
 * Errors go back as data; a hang or a heap overflow is the parent's to stop.
 */
import { parentPort } from 'node:worker_threads';
import { isMissiveError } from '../../core/errors.ts';
import { InvariantError } from '../../core/invariant.ts';
import { type CompiledTemplate, compileTemplateAsync } from '../../templates/heavy.ts';
import { type BrandSource, templatePackageFromFiles } from '../../templates/index.ts';
import { renderForChannel } from '../render-channel.ts';
import type { RenderReply, RenderRequest } from './protocol.ts';

const templates = new Map<string, Promise<CompiledTemplate>>();
const brands = new Map<string, BrandSource>();

async function handle(request: RenderRequest): Promise<RenderReply> {
  try {
    if (request.template && !templates.has(request.versionId)) {
      const source = request.template;
      templates.set(
        request.versionId,
        compileTemplateAsync(templatePackageFromFiles(source.name, source.files)),
      );
    }
    const template = templates.get(request.versionId);
    // The parent sends a template and a brand with the first request that needs them (guarded-renderer.ts).
    if (!template)
      throw new InvariantError(`template version ${request.versionId} was never sent to this thread`);
    if (request.brand) brands.set(request.brand.sha256, request.brand);
    const brand = request.brandSha256 === undefined ? undefined : brands.get(request.brandSha256);
    if (request.brandSha256 !== undefined && !brand)
      throw new InvariantError(`brand ${request.brandSha256} was never sent to this thread`);
    const { artifact, warnings } = await renderForChannel(await template, request.channel, request.data, {
      ...request.options,
      brand,
    });
    return { id: request.id, ok: true, artifact, warnings };
  } catch (error) {
    if (isMissiveError(error)) {
      return {
        id: request.id,
        ok: false,
        error: { code: error.code, message: error.message, details: error.details },
      };
    }
    return { id: request.id, ok: false, error: { message: (error as Error).message ?? String(error) } };
  }
}

// Modules are loaded: the parent starts the clock of each document from here, not from thread start.
parentPort?.postMessage({ ready: true });

parentPort?.on('message', (request: RenderRequest) => {
  void handle(request).then((reply) => {
    // Transfer the bytes only when they own their whole buffer: small Buffers share Node's pool.
    const bytes = reply.ok ? reply.artifact.bytes : undefined;
    const owned = bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const transfer = owned ? [bytes.buffer as ArrayBuffer] : [];
    parentPort?.postMessage(reply, transfer);
  });
});
