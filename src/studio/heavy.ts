/**
 * The studio stage's modules that load heavy packages (pdfkit, MJML, BullMQ, fastify, nodemailer, Twilio,
 * the AWS SDK…). Import this file statically only from code that loads them anyway; light code (the CLI's
 * quick commands) imports it with `await import()`, so `missive --help` and `customers show` stay fast.
 */
export {
  ASSET_FOLDERS,
  addAssetToDraft,
  listAssets,
  prepareAsset,
  readAsset,
  uploadAsset,
} from './assets.ts';
export {
  addParagraph,
  setStrings,
  type TextBlockView,
  textBlocksOf,
} from './block-edits.ts';
export { dropIndex, moveBlock } from './block-order.ts';
export { type BlockProps, blockPropsOf, setBlockProps } from './block-props.ts';
export {
  applyThemeForm,
  approveBrandTheme,
  proposeBrandTheme,
  rejectBrandTheme,
  THEME_FORM_COLORS,
  type ThemeForm,
  themeFormOf,
} from './brand-theme.ts';
export { CANVAS_SCALES, type CanvasScale, canvasPagePng, type DraftCanvas, draftCanvas } from './canvas.ts';
export { type ContractField, contractFields } from './contract-fields.ts';
export { draftHistoryCounts, stepDraftHistory } from './draft-history.ts';
export {
  addEmailBlock,
  addEmailSection,
  type EmailEdit,
  moveEmailBlock,
  removeEmailBlock,
  setButton,
  setDivider,
  setEmailStrings,
  setImage,
} from './email-block-edits.ts';
export { type DraftFiles, type EmailBlock, type EmailOutline, emailBlocksOf } from './email-blocks.ts';
export { publishNewOffer, RULE_OPS } from './new-offer.ts';
export { publishOfferImage, withOfferImage } from './offer-image.ts';
export { checkOffer, latestCatalog, publishOffer } from './offers.ts';
export { firstPagePng, firstPagesPixelDiff } from './page-diff.ts';
export { PROOF_DPI, type ProofCase, proofPdf, proofSet } from './proofs.ts';
export { resolveFileSet } from './refs.ts';
export { previewDraft, renderDraftChannel } from './render-draft.ts';
export { BUILDER_OPS, conditionOf, type RuleForm, type RuleOp, ruleFormOf } from './rule-builder.ts';
export {
  createDraftFromStarter,
  listStarters,
  type NewTemplateRequest,
  STARTERS,
  STARTERS_DIR,
  type Starter,
  type StarterId,
} from './starters.ts';
export type { ColumnForm } from './table-columns.ts';
export { editTable, type MovedLine, type TableEdit, type TableEditResult } from './table-edits.ts';
export { type TableBlockView, type TableColumnView, tableBlockOf } from './table-view.ts';
export {
  approveDraft,
  approversOf,
  canApprove,
  createDraftFromPackage,
  createDraftFromVersion,
  discardDraft,
  editDraftFiles,
  grantApprover,
  rejectDraft,
  requireDraft,
  type StudioActor,
  submitDraft,
} from './workflow.ts';
