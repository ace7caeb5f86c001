import { html, type SafeHtml } from '../../ui/html.ts';
import { fill, type PortalContext } from '../context.ts';
import { portalPage } from '../layout.ts';

const csrfField = (ctx: PortalContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;

/** Step 1: who you are and where the code should go (always to the contact on file). */
export function signInPage(ctx: PortalContext, options: { notice?: string } = {}): SafeHtml {
  const { t } = ctx;
  return portalPage(
    ctx,
    t.signIn,
    html`<form class="card stack" method="post" action="/portal/sign-in" id="start">
  <h1>${t.signIn}</h1>
  ${options.notice ? html`<div class="alert ok" role="status">${options.notice}</div>` : ''}
  <p>${t.signInIntro}</p>
  <label for="identifier">${t.identifier}</label>
  <input id="identifier" name="identifier" autocomplete="username" required maxlength="254">
  <fieldset><legend>${t.sendBy}</legend>
    <label><input type="radio" name="channel" value="sms" checked> ${t.bySms}</label>
    <label><input type="radio" name="channel" value="email"> ${t.byEmail}</label>
  </fieldset>
  ${csrfField(ctx)}
  <button class="primary" type="submit">${t.sendCode}</button>
</form>`,
  );
}

/** Step 2: the code. The same page whoever typed what (only "if these details match…"). */
export function codePage(ctx: PortalContext, options: { error?: string } = {}): SafeHtml {
  const { t } = ctx;
  return portalPage(
    ctx,
    t.code,
    html`<form class="card stack" method="post" action="/portal/sign-in/code" id="verify">
  <h1>${t.signIn}</h1>
  ${options.error ? html`<div class="alert error" role="alert" id="code-error">${options.error}</div>` : html`<div class="alert" role="status">${t.codeSent}</div>`}
  <label for="code">${t.code}</label>
  <input id="code" class="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus${options.error ? html` aria-describedby="code-error" aria-invalid="true"` : ''}>
  ${csrfField(ctx)}
  <div class="actions"><button class="primary" type="submit">${t.verify}</button><a href="/portal/sign-in">${t.newCode}</a></div>
</form>`,
  );
}

/** The message for a failed code, in the customer's language. */
export function codeErrorText(ctx: PortalContext, code: string, attemptsLeft: number | undefined): string {
  const { t } = ctx;
  if (code === 'MSV_PORTAL_CODE_SPENT') return t.codeSpent;
  if (code === 'MSV_PORTAL_LOCKED') return t.locked;
  if (code === 'MSV_API_RATE_LIMITED') return t.rateLimited;
  return attemptsLeft === undefined
    ? t.codeInvalid
    : `${t.codeInvalid} ${fill(t.attemptsLeft, { n: attemptsLeft })}`;
}

export function errorPortalPage(ctx: PortalContext, status: number, code: string): SafeHtml {
  const { t } = ctx;
  if (code === 'MSV_PORTAL_LINK_INVALID') {
    return portalPage(
      ctx,
      t.linkClosed,
      html`<div class="card stack"><h1>${t.linkClosed}</h1><div class="alert error" role="alert" id="link-invalid">${t.linkInvalid}</div><p><a class="button primary" href="/portal/sign-in">${t.signIn}</a></p></div>`,
    );
  }
  const title =
    code === 'MSV_API_RATE_LIMITED'
      ? t.rateLimited
      : status === 404
        ? t.notFound
        : status === 403
          ? t.forbidden
          : t.error;
  return portalPage(
    ctx,
    title,
    html`<div class="card"><div class="alert error" role="alert"><strong>${status}</strong> ${title}</div><p class="muted">${code}</p><p><a href="/portal">${t.appName}</a></p></div>`,
  );
}
