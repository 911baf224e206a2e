export const ENCRYPTION_KEYS_VARIABLE = 'CREDENTIALS_ENCRYPTION_KEYS';
export const ACTIVE_KEY_ID_VARIABLE = 'CREDENTIALS_ACTIVE_KEY_ID';

/** Key ids travel inside every sealed value, so they stay short and free of the `.` separator. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const KEY_BYTES = 32;
