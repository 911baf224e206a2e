/**
 * Identifies the row a secret belongs to. It is authenticated (not encrypted) with the value,
 * so a ciphertext copied into another row, organization or resource type will not open.
 */
export interface SecretAad {
  resourceType: string;
  resourceId: string;
  organizationId: string;
}
