/** The rules stage: offer catalogs, eligibility, suppression, channel policy, ranking, decisions. */
export * from './catalog.ts';
export * from './catalog-loader.ts';
export * from './compile.ts';
export * from './decide.ts';
export * from './decision.ts';
export * from './explain.ts';
export * from './holdout.ts';
export * from './issues.ts';
export { compileLogic, type Evaluator, KNOWN_OPERATORS, truthy } from './logic.ts';
export * from './ranking.ts';
export * from './validate.ts';
