import { html, type SafeHtml } from '../html.ts';
import { type PageContext, page } from '../layout.ts';

export function loginPage(ctx: PageContext, options: { next: string; failed: boolean }): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t.signIn,
    html`<form class="card stack login" method="post" action="/login">
  <h1>${t.signIn}</h1>
  ${options.failed ? html`<div class="alert error" role="alert">${t.badCredentials}</div>` : ''}
  <label>${t.userName}<br><input name="name" autocomplete="username" required autofocus></label>
  <label>${t.password}<br><input name="password" type="password" autocomplete="current-password" required></label>
  <input type="hidden" name="next" value="${options.next}">
  <button class="primary" type="submit">${t.signIn}</button>
</form>`,
  );
}

export function errorPage(ctx: PageContext, status: number, message: string): SafeHtml {
  const { t } = ctx;
  const title = status === 403 ? t.forbidden : status === 404 ? t.notFound : t.error;
  return page(
    ctx,
    title,
    html`<div class="alert error" role="alert"><strong>${status}</strong> ${title}</div><p class="muted">${message}</p>`,
  );
}
