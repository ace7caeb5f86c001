import { describe, expect, it } from 'vitest';
import { html } from './html.ts';

describe('html', () => {
  it('escapes values, keeps nested html, joins arrays', () => {
    const name = '<script>alert("x")</script>';
    const out = html`<p title="${name}">${name}</p>${[html`<b>${'a&b'}</b>`, 'c']}${null}`;
    expect(out.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p><b>a&amp;b</b>c',
    );
  });
});
