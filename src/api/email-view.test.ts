import { describe, expect, it } from 'vitest';
import { neutraliseEmailHtml } from './email-view.ts';

describe('neutraliseEmailHtml', () => {
  it('replaces remote images, tracking pixels and CSS urls, keeps data: images', () => {
    const html = [
      '<img src="https://track.example.com/open.gif?u=1" width="1" height="1">',
      "<img src='http://cdn.example.com/logo.png'>",
      '<img src=//cdn.example.com/x.png>',
      '<img src="data:image/png;base64,AAAA">',
      '<td background="https://example.com/bg.png" style="background:url(https://example.com/b.png)">',
      '<img srcset="https://example.com/a.png 2x">',
    ].join('\n');
    const { html: out, blocked } = neutraliseEmailHtml(html);
    expect(out).not.toMatch(/https?:\/\/|\/\/cdn/);
    expect(out).toContain('data:image/png;base64,AAAA');
    expect(blocked).toBe(6);
  });

  it('removes scripts, event handlers, frames, forms and base tags', () => {
    const html =
      '<base href="https://evil.example/"><script>alert(1)</script><a href="#" onclick="steal()">x</a><iframe src="https://x"></iframe><form action="https://x"><input></form>';
    const { html: out } = neutraliseEmailHtml(html);
    expect(out).not.toMatch(/script|onclick|iframe|<form|<base/i);
    expect(out).toContain('<a href="#">x</a>');
  });

  it("makes the customer's (tracked) links inert, so an agent's click is never the customer's", () => {
    const html =
      '<a class="cta" href="https://go.bank.example/t/8xBVR3DEhx">Open</a> <a href=\'//x.example/\'>x</a> <a href="mailto:a@b.c">m</a>';
    const { html: out } = neutraliseEmailHtml(html);
    expect(out).toBe(
      '<a class="cta" data-inert-href="https://go.bank.example/t/8xBVR3DEhx">Open</a> <a data-inert-href=\'//x.example/\'>x</a> <a href="mailto:a@b.c">m</a>',
    );
  });
});
