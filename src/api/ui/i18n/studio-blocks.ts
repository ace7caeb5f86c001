import type { UiLocale } from './index.ts';

/**
 * The canvas's block form (issue 21 item 1): order, spacing, visibility rule, undo/redo; beside the
 * shared dictionaries, both languages required.
 */
const enGB = {
  order: 'Order',
  moveUp: 'Move up',
  moveDown: 'Move down',
  moved: 'Block moved',
  dragHint:
    'Or drag the block on the page onto another one: dropped on its upper half it goes before it, on its lower half after it.',
  spacing: 'Spacing',
  spaceBefore: 'Space before (mm)',
  spaceAfter: 'Space after (mm)',
  spacingHint: 'From 0 to 50 mm; leave empty for none.',
  visibility: 'Visibility',
  always: 'Always shown',
  shownWhen: 'Shown only when',
  field: 'Field',
  operator: 'Condition',
  value: 'Value',
  opNone: 'always (no condition)',
  opSet: 'is set',
  opNotSet: 'is not set',
  opEquals: 'equals',
  opNotEquals: 'does not equal',
  opGreater: 'is greater than',
  opLess: 'is less than',
  opAtLeast: 'is at least',
  opAtMost: 'is at most',
  saveBlock: 'Save block',
  blockSaved: 'Block saved',
  undo: 'Undo',
  redo: 'Redo',
  undone: 'Last change undone',
  redone: 'Change redone',
  nothing: 'Nothing to undo or redo',
  historyHint: 'Ctrl+Z undoes the last change, Ctrl+Shift+Z redoes it (outside a text box).',
  header: 'Header',
  footer: 'Footer',
  bandHint: 'Header and footer are on every page; edit them in the code view or the brand theme.',
  hidden: 'Not on these pages (hidden for this sample):',
} as const;

export type BlockFormStrings = { readonly [K in keyof typeof enGB]: string };

const zhCN: BlockFormStrings = {
  order: '顺序',
  moveUp: '上移',
  moveDown: '下移',
  moved: '区块已移动',
  dragHint: '也可以把页面上的区块拖到另一个区块上：放在其上半部分则移到它之前，下半部分则移到它之后。',
  spacing: '间距',
  spaceBefore: '段前间距（毫米）',
  spaceAfter: '段后间距（毫米）',
  spacingHint: '0 到 50 毫米；留空表示无间距。',
  visibility: '显示条件',
  always: '始终显示',
  shownWhen: '仅在以下条件下显示：',
  field: '字段',
  operator: '条件',
  value: '值',
  opNone: '始终（无条件）',
  opSet: '有值',
  opNotSet: '无值',
  opEquals: '等于',
  opNotEquals: '不等于',
  opGreater: '大于',
  opLess: '小于',
  opAtLeast: '不小于',
  opAtMost: '不大于',
  saveBlock: '保存区块',
  blockSaved: '区块已保存',
  undo: '撤销',
  redo: '重做',
  undone: '已撤销上一次修改',
  redone: '已重做修改',
  nothing: '没有可撤销或重做的修改',
  historyHint: '在文本框之外，Ctrl+Z 撤销上一次修改，Ctrl+Shift+Z 重做。',
  header: '页眉',
  footer: '页脚',
  bandHint: '页眉和页脚出现在每一页；请在代码视图或品牌主题中编辑。',
  hidden: '未出现在这些页面上（对此示例隐藏）：',
};

const STRINGS: Record<UiLocale, BlockFormStrings> = { 'en-GB': enGB, 'zh-CN': zhCN };

export function blockFormStrings(locale: UiLocale): BlockFormStrings {
  return STRINGS[locale];
}
