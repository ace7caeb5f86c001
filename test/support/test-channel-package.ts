import { templatePackageFromFiles } from '../../src/templates/package-loader.ts';
import type { TemplatePackage } from '../../src/templates/types.ts';

export const TEST_EMAIL = `<mjml>
  <mj-head><mj-title>{{t 'email.subject'}}</mj-title></mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>{{t 'greeting'}}</mj-text>
        <mj-text>Note: {{note}}</mj-text>
        <mj-button href="{{url}}">Pay</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;

/**
 * A small email + SMS package for tests of the email and SMS channels. `overrides` replace (or, with
 * `undefined`, delete) files; `manifest` adds manifest fields.
 */
export function channelPackage(
  overrides: Record<string, string | undefined> = {},
  manifest: Record<string, unknown> = {},
): TemplatePackage {
  const files: Record<string, string | undefined> = {
    'manifest.json': JSON.stringify({
      name: 'reminder',
      description: 'A reminder',
      channels: ['email', 'sms'],
      locales: ['en-GB', 'zh-CN'],
      dataSchema: {
        type: 'object',
        required: ['customer'],
        properties: {
          customer: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
          note: { type: 'string' },
          url: { type: 'string' },
        },
      },
      ...manifest,
    }),
    'email.mjml': TEST_EMAIL,
    'sms.hbs': 'Hi {{customer.name}}, {{note}}\n',
    'locales/en-GB.json': JSON.stringify({
      'email.subject': 'Hello {{customer.name}}',
      greeting: 'Dear {{customer.name}},',
    }),
    'locales/zh-CN.json': JSON.stringify({
      'email.subject': '您好{{customer.name}}',
      greeting: '尊敬的{{customer.name}}：',
    }),
    ...overrides,
  };
  const kept = Object.fromEntries(
    Object.entries(files).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return templatePackageFromFiles('reminder', kept);
}
