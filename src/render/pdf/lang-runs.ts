/**
 * The scripts of a text, for the /Lang of a tagged PDF (issue 22): Han text is Chinese (or the
 * document's CJK language), Latin text English (or the document's Latin-script language). Digits,
 * punctuation and spaces belong to no script.
 */

/** Han ideographs and CJK punctuation / full-width forms: written in Chinese. */
export const HAN = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;
export const LATIN = /\p{Script=Latin}/u;

export type Script = 'han' | 'latin';

export interface ScriptRun {
  text: string;
  readonly script: Script;
}

function scriptOf(ch: string): Script | undefined {
  if (HAN.test(ch)) return 'han';
  return LATIN.test(ch) ? 'latin' : undefined;
}

/**
 * `text` split where the script changes between `base` (the script of the element's language) and
 * the other one. Digits, punctuation, spaces and line breaks between two runs of one script stay in
 * that run; at the edge of a run in the other script they belong to `base`.
 */
export function scriptRuns(text: string, base: Script): ScriptRun[] {
  const runs: ScriptRun[] = [];
  let pending = '';
  for (const ch of text) {
    const script = scriptOf(ch);
    if (script === undefined) {
      pending += ch;
      continue;
    }
    const last = runs.at(-1);
    if (last && last.script === script) {
      last.text += pending + ch;
    } else if (script === base) {
      runs.push({ text: pending + ch, script });
    } else {
      if (pending && last) last.text += pending;
      else if (pending) runs.push({ text: pending, script: base });
      runs.push({ text: ch, script });
    }
    pending = '';
  }
  if (pending) {
    const last = runs.at(-1);
    if (last && last.script === base) last.text += pending;
    else runs.push({ text: pending, script: base });
  }
  return runs;
}
