/** The templates stage's public surface: other stages import templates only through this file (or heavy.ts). */
export { THEME_COLORS } from './brand/brand-schema.ts';
export {
  BRAND_FILE,
  type BrandSource,
  brandSourceFromFiles,
  decodeBrandSource,
  encodeBrandSource,
  listBrands,
  loadBrandSource,
} from './brand/brand-source.ts';
export { type CompiledBrand, compileBrand } from './brand/compile-brand.ts';
export { forgetLoadedBrand, loadBrandByName } from './brand/default-brand.ts';
export { themeLayout } from './brand/theme-layout.ts';
export {
  applyCorrections,
  type CorrectedData,
  correctableFields,
  type FieldChange,
  fieldLabel,
  readField,
} from './correction-fields.ts';
export {
  type EditableSection,
  type ResolvedSections,
  resolveSections,
  sectionLabel,
} from './editable-sections.ts';
export { type TemplateRuntime, withBrand } from './handlebars/runtime.ts';
export type { TemplateText, TextLocation } from './handlebars/template-text.ts';
export { maskDigits } from './helpers/mask.ts';
export type { CorrectableField } from './manifest.ts';
export { missingOfferImages, requireOfferImages } from './offer-images.ts';
export { loadTemplatePackage, packageSha256, templatePackageFromFiles } from './package-loader.ts';
export type {
  AddressBlock,
  BarcodeBlock,
  Block,
  BlockType,
  ChartBlock,
  ColumnsBlock,
  ImageBlock,
  KeyValueBlock,
  LeafBlock,
  LogoBlock,
  PageBreakBlock,
  QrBlock,
  RuleBlock,
  SpacerBlock,
  TableBlock,
  TextBlock,
} from './print-layout/blocks/index.ts';
export {
  type Condition,
  type ConditionOp,
  conditionHolds,
  formatCondition,
  parseCondition,
} from './print-layout/condition.ts';
export { type ImageAsset, layoutImage } from './print-layout/images.ts';
export { PAGE_SIZES, type PrintLayout, type Region } from './print-layout/schema.ts';
export { DEFAULT_STYLE, type ResolvedStyle, resolveStyle } from './print-layout/style.ts';
export { type Align, resolveWidths, toPoints } from './print-layout/units.ts';
export type { DocumentData, TemplatePackage } from './types.ts';
