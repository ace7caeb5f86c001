/**
 * What helpers throw for bad arguments. Its message is written by us and never carries data values,
 * so it can be shown as is; other errors thrown during evaluation may quote data and are not.
 */
export class HelperError extends Error {
  override name = 'HelperError';
}
