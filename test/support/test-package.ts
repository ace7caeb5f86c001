/**
 * A small template package as files, for tests of the loader, the compiler and the renderer.
 * `overrides` replace (or, with `undefined`, delete) files.
 */
export function testPackageFiles(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const files: Record<string, string | undefined> = {
    'manifest.json': JSON.stringify({
      name: 'letter',
      description: 'A one-page letter',
      channels: ['print'],
      locales: ['en-GB', 'zh-CN'],
      dataSchema: {
        type: 'object',
        required: ['customer'],
        properties: {
          customer: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
          items: { type: 'array', items: { type: 'object' } },
        },
      },
    }),
    'print.yaml': [
      'page: { size: A4, margins: { top: 20mm, right: 20mm, bottom: 20mm, left: 20mm } }',
      'styles:',
      '  strong: { font: bold }',
      'footer:',
      '  height: 10mm',
      '  blocks:',
      '    - { type: text, text: "{{t \'page\' current=page.number total=page.count}}", align: right }',
      'body:',
      '  - { type: text, text: "{{t \'greeting\'}}", style: strong }',
      '  - { type: text, text: "{{customer.name}}" }',
    ].join('\n'),
    'locales/en-GB.json': JSON.stringify({
      greeting: 'Dear {{customer.name}},',
      page: 'Page {{current}} of {{total}}',
    }),
    'locales/zh-CN.json': JSON.stringify({
      greeting: '尊敬的{{customer.name}}：',
      page: '第 {{current}} 页，共 {{total}} 页',
    }),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(files).filter((e): e is [string, string] => e[1] !== undefined));
}
