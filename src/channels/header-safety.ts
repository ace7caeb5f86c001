import { MissiveError } from '../core/errors.ts';

/**
 * Header injection (RELIABILITY S3): a CR or LF in a header value or an envelope address would let
 * data add headers or recipients (`"X\r\nBcc: evil@…"`). nodemailer encodes most values, but the
 * promise is to refuse such a message before anything is sent, whatever the library does.
 */
const LINE_BREAK = /[\r\n\u2028\u2029\u0085]/;

export function assertHeaderSafe(fields: Record<string, string | undefined>, communicationId: string): void {
  for (const [field, value] of Object.entries(fields)) {
    if (value !== undefined && LINE_BREAK.test(value)) {
      throw new MissiveError(
        'MSV_CHANNEL_HEADER_INJECTION',
        `the ${field} header contains a line break; the message was not sent`,
        { field, communicationId },
      );
    }
  }
}
