/**
 * Renders documents in a worker thread with a time cap and a heap cap per document
 * (RELIABILITY B1): a template or data that makes pdfkit loop or explode in memory fails only its own
 * document with MSV_RENDER_TIMEOUT or MSV_RENDER_MEMORY; the thread is stopped (a busy loop too:
 * Worker.terminate interrupts running JavaScript) and a fresh one takes the next document.
 * Documents go through one at a time, in order. Templates are sent to a thread once per version.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isErrorCode, MissiveError } from '../../core/errors.ts';
import type { ChannelKind } from '../../core/types.ts';
import type { DocumentData } from '../../templates/index.ts';
import type { ChannelRender, RenderOptions } from '../render-channel.ts';
import type { RenderReply, RenderRequest, TemplateSource } from './protocol.ts';

export type { TemplateSource } from './protocol.ts';

export interface RenderLimits {
  /** Wall time one document may take, in ms. */
  timeoutMs: number;
  /** Heap of the render thread (V8 old generation), in MB: fonts and caches plus one document. */
  maxHeapMb: number;
}

export interface GuardedRenderer {
  render(
    template: TemplateSource,
    channel: ChannelKind,
    data: DocumentData,
    options: RenderOptions,
  ): Promise<ChannelRender>;
  /** Threads started so far (1 + one per document that had to be stopped). */
  readonly threadsStarted: number;
  close(): Promise<void>;
}

const THREAD = fileURLToPath(new URL('./render-thread.mjs', import.meta.url));

interface Thread {
  worker: Worker;
  /** Resolves once the thread has loaded its modules (or rejects if it dies first). */
  ready: Promise<void>;
  versions: Set<string>;
  /** Brand versions (sha256) this thread has been sent. */
  brands: Set<string>;
  /** Set when the thread dies: the error the document in flight fails with. */
  died?: MissiveError;
}

/**
 * Renders each document in a worker thread with time and heap caps (RELIABILITY B1). Its renders throw
 * MSV_RENDER_TIMEOUT, MSV_RENDER_MEMORY or MSV_RENDER_FAILED.
 */
export function createGuardedRenderer(limits: RenderLimits): GuardedRenderer {
  let thread: Thread | undefined;
  let started = 0;
  let nextId = 1;
  let queue: Promise<unknown> = Promise.resolve();

  function startThread(): Thread {
    const worker = new Worker(THREAD, {
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    started += 1;
    const ready = new Promise<void>((resolve, reject) => {
      const onReady = (message: { ready?: boolean }) => {
        if (!message.ready) return;
        cleanup();
        resolve();
      };
      const onFail = (error: unknown) => {
        cleanup();
        reject(new MissiveError('MSV_RENDER_FAILED', `the render thread did not start: ${String(error)}`));
      };
      const cleanup = () => {
        worker.off('message', onReady);
        worker.off('error', onFail);
        worker.off('exit', onFail);
      };
      worker.on('message', onReady);
      worker.on('error', onFail);
      worker.on('exit', onFail);
    });
    return { worker, ready, versions: new Set(), brands: new Set() };
  }

  function once(t: Thread, request: RenderRequest): Promise<ChannelRender> {
    return new Promise<ChannelRender>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        t.worker.off('message', onMessage);
        t.worker.off('error', onError);
        t.worker.off('exit', onExit);
      };
      const fail = (error: MissiveError) => {
        done();
        t.died = error;
        if (thread === t) thread = undefined;
        void t.worker.terminate();
        reject(error);
      };
      const onMessage = (reply: RenderReply) => {
        if (reply.id !== request.id) return;
        done();
        if (reply.ok) {
          resolve({ artifact: reply.artifact, warnings: reply.warnings });
          return;
        }
        const { code, message, details } = reply.error;
        reject(
          code && isErrorCode(code)
            ? new MissiveError(code, message, details ?? {})
            : new MissiveError('MSV_RENDER_FAILED', message, details ?? {}),
        );
      };
      const onError = (error: Error & { code?: string }) => {
        fail(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new MissiveError(
                'MSV_RENDER_MEMORY',
                `rendering needed more than the ${limits.maxHeapMb} MB heap cap (MISSIVE_RENDER_MAX_HEAP_MB); stopped`,
                { limitMb: limits.maxHeapMb },
              )
            : new MissiveError('MSV_RENDER_FAILED', `the render thread failed: ${error.message}`),
        );
      };
      const onExit = (code: number) =>
        fail(new MissiveError('MSV_RENDER_FAILED', `the render thread exited (code ${code})`));
      const timer = setTimeout(
        () =>
          fail(
            new MissiveError(
              'MSV_RENDER_TIMEOUT',
              `rendering took longer than ${limits.timeoutMs} ms (MISSIVE_RENDER_TIMEOUT_MS); stopped`,
              { limitMs: limits.timeoutMs },
            ),
          ),
        limits.timeoutMs,
      );
      t.worker.on('message', onMessage);
      t.worker.on('error', onError);
      t.worker.on('exit', onExit);
      t.worker.postMessage(request);
    });
  }

  async function renderNow(
    template: TemplateSource,
    channel: ChannelKind,
    data: DocumentData,
    options: RenderOptions,
  ): Promise<ChannelRender> {
    thread ??= startThread();
    const t = thread;
    try {
      await t.ready;
    } catch (error) {
      if (thread === t) thread = undefined;
      throw error;
    }
    const first = !t.versions.has(template.versionId);
    t.versions.add(template.versionId);
    // The brand (its logo is tens of KB) goes to a thread once, like a template version; then its sha256.
    const { brand, ...plain } = options;
    const firstBrand = brand !== undefined && !t.brands.has(brand.sha256);
    if (brand) t.brands.add(brand.sha256);
    const request: RenderRequest = {
      id: nextId++,
      versionId: template.versionId,
      ...(first ? { template } : {}),
      channel,
      data,
      options: plain,
      ...(brand ? { brandSha256: brand.sha256 } : {}),
      ...(firstBrand ? { brand } : {}),
    };
    return once(t, request);
  }

  return {
    render(template, channel, data, options) {
      const result = queue.then(() => renderNow(template, channel, data, options));
      queue = result.catch(() => undefined);
      return result;
    },
    get threadsStarted() {
      return started;
    },
    async close() {
      await queue;
      const t = thread;
      thread = undefined;
      if (t) {
        t.worker.removeAllListeners('exit');
        await t.worker.terminate();
      }
    },
  };
}
