import type { UiLocale } from './index.ts';

/** The canvas's table form (issue 21 item 1): columns added, removed, moved; both languages required. */
const enGB = {
  columns: 'Table columns',
  rowsFrom: 'Rows from',
  widthsHint:
    'Widths: a length such as 20mm, or * for a share of what is left. The fixed widths must fit the page’s text width of',
  column: 'Column',
  headerIn: 'Header in',
  width: 'Width',
  align: 'Alignment',
  left: 'Left',
  center: 'Centre',
  right: 'Right',
  justify: 'Justified',
  up: 'Move up',
  down: 'Move down',
  remove: 'Remove',
  save: 'Save columns',
  saved: 'Columns saved',
  removed: 'Column removed',
  moved: 'Column moved',
  added: 'Column added',
  carryHere: 'carried-forward lines are drawn here',
  totalHere: 'the total line is drawn here',
  carryWillMove: 'Removing it moves the carried-forward lines to another column.',
  addColumn: 'Add a column',
  field: 'Data field of each row',
  addButton: 'Add column',
  carryMoved:
    'The carried-forward and brought-forward lines were in the removed column “{from}”: they are now drawn in “{to}”.',
  totalMoved: 'The total line was in the removed column “{from}”: it is now drawn in “{to}”.',
} as const;

export type TableStrings = { readonly [K in keyof typeof enGB]: string };

const zhCN: TableStrings = {
  columns: '表格列',
  rowsFrom: '行数据来自',
  widthsHint: '宽度：可填写长度（如 20mm），或填写 * 表示分享剩余宽度。固定宽度之和不得超过页面正文宽度',
  column: '列',
  headerIn: '表头：',
  width: '宽度',
  align: '对齐',
  left: '左对齐',
  center: '居中',
  right: '右对齐',
  justify: '两端对齐',
  up: '上移',
  down: '下移',
  remove: '删除',
  save: '保存列',
  saved: '已保存列',
  removed: '已删除列',
  moved: '已移动列',
  added: '已添加列',
  carryHere: '“承前/转后”行显示在此列',
  totalHere: '合计行显示在此列',
  carryWillMove: '删除此列后，“承前/转后”行将移到另一列。',
  addColumn: '添加列',
  field: '每行的数据字段',
  addButton: '添加列',
  carryMoved: '“承前/转后”行原在已删除的列“{from}”中，现显示在“{to}”列。',
  totalMoved: '合计行原在已删除的列“{from}”中，现显示在“{to}”列。',
};

const STRINGS: Record<UiLocale, TableStrings> = { 'en-GB': enGB, 'zh-CN': zhCN };

export function tableStrings(locale: UiLocale): TableStrings {
  return STRINGS[locale];
}
