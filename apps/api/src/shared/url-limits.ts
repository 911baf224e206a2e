/** Longest URL either API stores (server_url, url, logo_url: VARCHAR(2048) columns). */
export const MAX_URL_LENGTH = 2048;
