/** The studio stage's public surface: other stages import studio only through this file (or heavy.ts). */
export { pdfPageToPng } from './pdf-png.ts';
export { listTemplatePackages } from './template-packages.ts';
export { diffFiles, diffLocale, type FileDiff, isTextFile, pageComparison } from './version-diff.ts';
