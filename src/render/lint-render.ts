import { errorMessage, isMissiveError } from '../core/errors.ts';
import type { ChannelKind } from '../core/types.ts';
import { compileTemplateAsync } from '../templates/heavy.ts';
import {
  type BrandSource,
  type DocumentData,
  loadBrandByName,
  loadTemplatePackage,
  type TemplatePackage,
  templatePackageFromFiles,
} from '../templates/index.ts';
import { renderForChannel } from './render-channel.ts';
import { renderWebView } from './web-view.ts';

export interface LintIssue {
  severity: 'error' | 'warning';
  message: string;
  code?: string;
  locale?: string;
  channel?: ChannelKind;
}

export interface LintReport {
  name: string;
  issues: LintIssue[];
  /** Documents rendered from the sample data, one per locale × channel. */
  rendered: number;
}

const LINT_AS_OF = '2026-01-31';

/**
 * Everything an author needs to know before publishing: the package loads, compiles (schema, layout,
 * strict variables, every image of the package) and renders its sample data in every locale on every
 * channel with a brand (default: MISSIVE_DEFAULT_BRAND) — which also checks that every character has
 * a glyph and that every offer image the sample names is in the package. Problems are collected, not
 * thrown, so one lint shows them all.
 */
export async function lintTemplatePackage(dir: string, brand?: BrandSource): Promise<LintReport> {
  return lintLoaded(dir, () => loadTemplatePackage(dir), brand);
}

/** The same for files held in memory (a studio draft). */
export async function lintTemplateFiles(
  name: string,
  files: Readonly<Record<string, string>>,
  brand?: BrandSource,
): Promise<LintReport> {
  return lintLoaded(name, async () => templatePackageFromFiles(name, files), brand);
}

async function lintLoaded(
  label: string,
  load: () => Promise<TemplatePackage>,
  given: BrandSource | undefined,
): Promise<LintReport> {
  const issues: LintIssue[] = [];
  let name = label;
  try {
    const brand = given ?? (await loadBrandByName());
    const pkg = await load();
    name = pkg.name;
    const template = await compileTemplateAsync(pkg);
    const sample = pkg.files['sample-data.json'];
    if (sample === undefined) {
      issues.push({ severity: 'warning', message: 'no sample-data.json: the layout was not rendered' });
      return { name, issues, rendered: 0 };
    }
    const data = JSON.parse(sample) as DocumentData;
    let rendered = 0;
    for (const locale of pkg.manifest.locales) {
      for (const channel of pkg.manifest.channels as ChannelKind[]) {
        try {
          const { warnings } = await renderForChannel(template, channel, data, {
            asOf: LINT_AS_OF,
            locale,
            brand,
          });
          for (const message of warnings) issues.push({ severity: 'warning', message, locale, channel });
          rendered += 1;
        } catch (err) {
          issues.push(issueOf(err, { locale, channel }));
        }
      }
      // The web view (web.hbs, the portal's e-presentment) must render the same data, strictly.
      if (template.web) {
        try {
          renderWebView(template, data, { locale, brand });
        } catch (err) {
          issues.push(issueOf(err, { locale }));
        }
      }
    }
    return { name, issues, rendered };
  } catch (err) {
    issues.push(issueOf(err, {}));
    return { name, issues, rendered: 0 };
  }
}

function issueOf(err: unknown, where: { locale?: string; channel?: ChannelKind }): LintIssue {
  return {
    severity: 'error',
    message: errorMessage(err),
    ...(isMissiveError(err) ? { code: err.code } : {}),
    ...where,
  };
}
