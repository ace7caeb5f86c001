import { MissiveError } from '../core/errors.ts';
import { type Condition, type ConditionOp, formatCondition, parseCondition } from '../templates/index.ts';

/**
 * The canvas's rule builder for a body block's `when:` (issue 21 item 1): a field of the data contract,
 * an operator and a value, turned into the layout language's condition (templates' condition.ts) and
 * back. The builder offers is set / is not set / equals / greater than / less than; a condition written
 * in the code view with another comparison (!=, >=, <=) is shown and kept as it is.
 */
export type RuleOp = '' | 'set' | 'not-set' | ConditionOp;

/** The operators the builder offers, in its order ('' is "always shown"). */
export const BUILDER_OPS: readonly RuleOp[] = ['', 'set', 'not-set', '==', '>', '<'];

export interface RuleForm {
  field: string;
  op: RuleOp;
  value: string;
}

const PATH = /^[A-Za-z_$][\w$]*(\.[\w$]+)*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

function badInput(field: string, message: string): MissiveError {
  return new MissiveError('MSV_API_BAD_REQUEST', `${field}: ${message}`, { field });
}

/** The builder's fields for a block's condition (empty when it has none). */
export function ruleFormOf(when: string | undefined): RuleForm {
  const condition = when === undefined ? undefined : parseCondition(when);
  if (!condition) return { field: '', op: '', value: '' };
  if (condition.kind !== 'compare') return { field: condition.path, op: condition.kind, value: '' };
  return { field: condition.path, op: condition.op, value: String(condition.value) };
}

function isOp(op: string): op is RuleOp {
  return ['', 'set', 'not-set', '==', '!=', '>', '<', '>=', '<='].includes(op);
}

/**
 * The condition the builder's fields make ('' for none). A field whose contract type is `string` is
 * compared as text; else a number or true/false is compared as such and anything else as text.
 * @throws MissiveError MSV_API_BAD_REQUEST naming the builder field that is wrong.
 */
export function conditionOf(form: { field: string; op: string; value: string }, fieldType?: string): string {
  const op = form.op.trim();
  if (!isOp(op)) throw badInput('op', 'not an operator of the rule builder');
  if (op === '') return '';
  const field = form.field.trim();
  if (!PATH.test(field)) throw badInput('field', 'choose a field of the data contract');
  let condition: Condition;
  if (op === 'set' || op === 'not-set') condition = { path: field, kind: op };
  else {
    const text = form.value.trim();
    const numeric = op !== '==' && op !== '!=';
    if (numeric && !NUMBER.test(text)) throw badInput('value', 'a number, such as 100 or -2.5');
    if (text === '' || text.length > 200)
      throw badInput('value', 'write the value to compare with (1-200 characters)');
    let value: string | number | boolean = text;
    if (fieldType !== 'string' && NUMBER.test(text)) value = Number(text);
    else if (fieldType !== 'string' && (text === 'true' || text === 'false')) value = text === 'true';
    condition = { path: field, kind: 'compare', op, value };
  }
  return formatCondition(condition);
}
