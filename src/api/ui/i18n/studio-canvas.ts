import type { UiLocale } from './index.ts';

/** The canvas view's strings (issue 21 items 1–2), beside the shared dictionaries; both languages required. */
const enGB = {
  canvas: 'Canvas',
  canvasIntro:
    'The pages as they print. Choose a block to edit it: a text is edited in every language side by side; add a paragraph after any block. Every change writes the same files as the code view.',
  pageLabel: 'Page',
  block: 'Block',
  missing: 'missing',
  editText: 'Edit text',
  stringId: 'String id',
  save: 'Save text',
  saved: 'Saved',
  variables: 'Variables',
  insertField: 'Insert a field of the data contract at the cursor',
  insertInto: 'Into the text in',
  addParagraph: 'Add a paragraph after this block',
  addButton: 'Add paragraph',
  added: 'Paragraph added',
  noText: 'This block has no text of its own to edit here; use the code view, or add a paragraph after it.',
  chooseBlock: 'Choose a block on the page.',
  codeView: 'Code view',
  textIn: 'Text in',
} as const;

export type CanvasStrings = { readonly [K in keyof typeof enGB]: string };

const zhCN: CanvasStrings = {
  canvas: '画布',
  canvasIntro:
    '按打印效果显示页面。选择一个区块进行编辑：文本可并排编辑所有语言；可在任意区块之后添加段落。每次修改都写入与代码视图相同的文件。',
  pageLabel: '页面',
  block: '区块',
  missing: '缺少',
  editText: '编辑文本',
  stringId: '字符串编号',
  save: '保存文本',
  saved: '已保存',
  variables: '变量',
  insertField: '在光标处插入数据约定中的字段',
  insertInto: '插入到以下语言的文本：',
  addParagraph: '在此区块之后添加段落',
  addButton: '添加段落',
  added: '已添加段落',
  noText: '此区块没有可在这里编辑的文本；请使用代码视图，或在其后添加段落。',
  chooseBlock: '请在页面上选择一个区块。',
  codeView: '代码视图',
  textIn: '文本：',
};

const STRINGS: Record<UiLocale, CanvasStrings> = { 'en-GB': enGB, 'zh-CN': zhCN };

export function canvasStrings(locale: UiLocale): CanvasStrings {
  return STRINGS[locale];
}
