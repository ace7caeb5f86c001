import type { UiLocale } from './index.ts';

/**
 * A run's reconciliation problems (batch/reconcile.ts writes them in English, for the CLI and the
 * report JSON) as the run page says them in the UI language. Each shape reconcile.ts writes has its
 * Chinese sentence; a sentence of another shape stays as written (test/reconciliation-problems-zh.test.ts
 * keeps the two in step).
 */
const ZH: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/^(\w+): rows in unexpected statuses (.+)$/, (m) => `${channel(m[1]!)}：有记录处于意外状态 ${m[2]}`],
  [
    /^(\w+): (\d+) never sent in a completed run \(no transport, or dispatch unfinished\)$/,
    (m) => `${channel(m[1]!)}：${m[2]} 份在已完成的批次中从未发出（没有发送通道，或发送未完成）`,
  ],
  [
    /^(\d+) customers have more than one ledger row of their own$/,
    (m) => `${m[1]} 位客户有不止一条自己的记录`,
  ],
  [/^(\d+) more customers in the ledger than went in$/, (m) => `记录中的客户比输入多 ${m[1]} 位`],
  [/^(\d+) customers missing from a completed run$/, (m) => `已完成的批次缺少 ${m[1]} 位客户`],
];

const CHANNELS: Record<string, string> = { print: '纸质信件', email: '电子邮件', sms: '短信' };
const channel = (c: string) => CHANNELS[c] ?? c;

export function reconciliationProblem(locale: UiLocale, problem: string): string {
  if (locale !== 'zh-CN') return problem;
  for (const [shape, say] of ZH) {
    const m = shape.exec(problem);
    if (m) return say(m);
  }
  return problem;
}
