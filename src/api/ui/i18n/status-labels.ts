import type { CommunicationStatus } from '../../../core/types.ts';
import type { UiLocale } from './index.ts';

/**
 * A communication's ledger status as the agent reads it, per UI language: the timeline and the
 * viewer's status and history. The English words are the statuses themselves (as before), and a
 * letter's print lifecycle (issue 19) reads "in print file → printed → mailed", or "spoiled".
 */
export const STATUS_LABELS: Record<UiLocale, Record<CommunicationStatus, string>> = {
  'en-GB': {
    pending: 'pending',
    archived: 'archived',
    sending: 'sending',
    sent: 'sent',
    unknown: 'unknown',
    failed: 'failed',
    suppressed: 'suppressed',
    in_print_file: 'in print file',
    printed: 'printed',
    mailed: 'mailed',
    spoiled: 'spoiled (re-printed)',
  },
  'zh-CN': {
    pending: '待处理',
    archived: '已归档',
    sending: '发送中',
    sent: '已发送',
    unknown: '状态未知',
    failed: '失败',
    suppressed: '未发送（已排除）',
    in_print_file: '已编入打印文件',
    printed: '已打印',
    mailed: '已寄出',
    spoiled: '印制损坏（已重印）',
  },
};

/** The label of a status in the UI language; a status the table does not know, as it is. */
export function statusLabel(locale: UiLocale, status: string): string {
  return (STATUS_LABELS[locale] as Record<string, string | undefined>)[status] ?? status;
}
