/**
 * One Handlebars set-up for every string evaluation (issue 24 item 1).
 *
 * Every top-level call of a compiled template (`template(context, options)`) runs Handlebars'
 * `_setup`: it wraps every helper of the environment in a new closure (so that helpers receive
 * `options.lookupProperty`), builds the merged helper object, the hooks and the prototype-access
 * rules. A statement evaluates ~300 strings, each one top-level call: ~5,000 helper wrappers and
 * ~1.2 MB of a statement's allocations, and all of it the same every time.
 *
 * Handlebars itself skips that work for partials: a partial is called with `options.partial` set
 * and the helpers, partials, decorators, hooks and access rules of the template that called it,
 * and only takes them over. The set-up is taken here once from a real top-level call — a template
 * whose only content calls a function partial, which receives exactly those options — and every
 * string is then called the way Handlebars calls a partial, with the `data` frame the top-level
 * call would have made (`createFrame(data)` plus `root`, Handlebars' `initData`). Helpers, hooks
 * and access rules are the very objects a top-level call makes, built from the same options, so
 * lookups, strict-mode errors and helper calls behave as before; `shared-setup.test.ts` compares
 * the two for every construct templates use and fails if an upgrade stops honouring the partial
 * path (helpers would again be wrapped per call).
 *
 * This relies on Handlebars runtime internals (`options.partial` and the options a partial is
 * given); it is kept to this file.
 */
import type Handlebars from 'handlebars';
import { InvariantError } from '../../core/invariant.ts';

type Environment = ReturnType<typeof Handlebars.create>;
type Delegate = (context: unknown, options: object) => string;

/** What a partial receives from the template that calls it (Handlebars' invokePartialWrapper). */
export interface SharedSetup {
  readonly helpers: object;
  readonly decorators: object;
  readonly hooks: object;
  readonly protoAccessControl: object;
}

/** The runtime options every Missive evaluation passes (template-text.ts). */
export const RUNTIME_OPTIONS = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
} as const;

const PROBE = 'missive-shared-setup-probe';

/** Takes the set-up a top-level call of `env` makes with RUNTIME_OPTIONS. Call after the helpers are registered. */
export function captureSetup(env: Environment): SharedSetup {
  let received: Partial<SharedSetup> | undefined;
  env.registerPartial(PROBE, ((_context: unknown, options: Partial<SharedSetup>) => {
    received = options;
    return '';
  }) as unknown as Handlebars.Template);
  try {
    env.compile(`{{> ${PROBE}}}`)({}, { ...RUNTIME_OPTIONS, data: {} });
  } finally {
    env.unregisterPartial(PROBE);
  }
  const { helpers, decorators, hooks, protoAccessControl } = received ?? {};
  if (!helpers || !decorators || !hooks || !protoAccessControl)
    throw new InvariantError(
      'Handlebars no longer hands a partial its caller’s helpers, hooks and access rules',
    );
  return { helpers, decorators, hooks, protoAccessControl };
}

/**
 * Evaluates one compiled string of `env` as Handlebars evaluates a partial, with the shared set-up:
 * the same result as `delegate(context, { ...RUNTIME_OPTIONS, data })`.
 */
export function evaluateShared(
  env: Environment,
  setup: SharedSetup,
  delegate: Delegate,
  context: unknown,
  data: object,
): string {
  const frame = env.createFrame(data) as { root?: unknown };
  frame.root = context;
  return delegate(context, {
    partial: true,
    helpers: setup.helpers,
    partials: env.partials,
    decorators: setup.decorators,
    hooks: setup.hooks,
    protoAccessControl: setup.protoAccessControl,
    data: frame,
  });
}
