import { describe, expect, it } from 'vitest';
import { COMMUNICATION_STATUSES } from '../../../store/communications.ts';
import { UI_LOCALES } from './index.ts';
import { STATUS_LABELS, statusLabel } from './status-labels.ts';

describe('status labels', () => {
  it('every ledger status has a label in every UI language; zh-CN ones are Chinese', () => {
    for (const locale of Object.keys(UI_LOCALES) as (keyof typeof UI_LOCALES)[]) {
      expect(Object.keys(STATUS_LABELS[locale]).sort()).toEqual([...COMMUNICATION_STATUSES].sort());
    }
    for (const status of COMMUNICATION_STATUSES)
      expect(statusLabel('zh-CN', status)).toMatch(/[\u4e00-\u9fff]/);
  });

  it('reads the print lifecycle in both languages; English keeps the older statuses as they were', () => {
    expect(['in_print_file', 'printed', 'mailed'].map((s) => statusLabel('en-GB', s))).toEqual([
      'in print file',
      'printed',
      'mailed',
    ]);
    expect(['in_print_file', 'printed', 'mailed'].map((s) => statusLabel('zh-CN', s))).toEqual([
      '已编入打印文件',
      '已打印',
      '已寄出',
    ]);
    expect(statusLabel('en-GB', 'archived')).toBe('archived');
    expect(statusLabel('zh-CN', 'no-such-status')).toBe('no-such-status');
  });
});
