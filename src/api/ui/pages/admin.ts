import { type AuditEntry, ROLES, type UserRecord } from '../../../store/index.ts';
import { html, type SafeHtml } from '../html.ts';
import type { UiStrings } from '../i18n/en-GB.ts';
import { type PageContext, page } from '../layout.ts';
import { formatTime } from '../time.ts';

export function usersPage(ctx: PageContext, users: UserRecord[], message?: string): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t.users,
    html`<h1>${t.users}</h1>
${message ? html`<div class="alert error" role="alert">${message}</div>` : ''}
<table id="users"><thead><tr><th>${t.userName}</th><th>${t.role}</th><th>${t.created}</th></tr></thead><tbody>
${users.map((u) => html`<tr><td>${u.name}</td><td data-role="${u.role}">${t[`role.${u.role}`]}</td><td>${formatTime(u.createdAt, ctx)}</td></tr>`)}
</tbody></table>
<form class="card stack narrow" method="post" action="/ui/admin/users">
  <h2>${t.addUser}</h2>
  <input type="hidden" name="_csrf" value="${ctx.principal?.csrfToken ?? ''}">
  <label>${t.userName}<br><input name="name" required minlength="2" maxlength="64"></label>
  <label>${t.role}<br><select name="role">${ROLES.map((r) => html`<option value="${r}">${t[`role.${r}`]}</option>`)}</select></label>
  <label>${t.password}<br><input name="password" type="password" minlength="12" required autocomplete="new-password"></label>
  <button class="primary" type="submit">${t.addUser}</button>
</form>`,
  );
}

export function auditPage(ctx: PageContext, entries: AuditEntry[]): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t.auditLog,
    html`<h1>${t.auditLog}</h1>
<table id="audit"><thead><tr><th>${t.when}</th><th>${t.who}</th><th>${t.action}</th><th>${t.target}</th><th>${t.details}</th></tr></thead><tbody>
${entries.map((e) => html`<tr><td>${formatTime(e.at, ctx, { seconds: true })}</td><td>${e.actor}</td><td><code>${e.action}</code></td><td>${t[`target.${e.targetType}` as keyof UiStrings] ?? e.targetType} ${e.targetId}</td><td><code>${JSON.stringify(e.details)}</code></td></tr>`)}
</tbody></table>`,
  );
}
