/** The api stage's public surface: other stages import api only through this file (or heavy.ts). */
export { addUser, issueApiToken } from './lookup/users.ts';
