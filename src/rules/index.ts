/** The rules stage: offer catalogs, eligibility, suppression, channel policy, ranking, decisions. */
export * from './catalog.ts';
export {
  offerName,
  pickLabel,
  traitLabel,
  traitLabelIfKnown,
  traitValueLabel,
  typeLabel,
  wordsFromName,
} from './catalog-labels.ts';
export * from './catalog-loader.ts';
export { isReachable } from './channel-policy.ts';
export * from './compile.ts';
export { asOfParts } from './computed-traits.ts';
export { loadCustomerHistory, loadModel, loadPublishedCatalog } from './context-loader.ts';
export * from './decide.ts';
export * from './decision.ts';
export {
  type ReasonLocale,
  rejectionSentence,
  storedSuppressionReason,
  suppressionSentence,
  wordsFor,
} from './describe-rule.ts';
export * from './explain.ts';
export * from './holdout.ts';
export * from './issues.ts';
export { compileLogic, type Evaluator, KNOWN_OPERATORS, truthy } from './logic.ts';
export { type OfferContent, offerContentFor, withOffers } from './offer-content.ts';
export { previewOffers } from './preview-offers.ts';
export { decideForCustomer, lintCatalogDir, publishCatalogDir } from './publish.ts';
export * from './ranking.ts';
export type { RealityChecked } from './reality-check.ts';
export { type CatalogTypes, isServiceDocumentName, type RunType, resolveRunType } from './run-type.ts';
export { hasConsent, localMinuteOfDay } from './suppression.ts';
export * from './validate.ts';
