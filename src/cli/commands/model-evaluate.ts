export function registerModelEvaluateCommand(_m: unknown): void {}
