/**
 * An organization's namespace in the official MCP registry API (`/v0.1`): every server name there
 * is `<namespace>/<alias>`. An organization either chose one (reverse-DNS, e.g. `com.acme`) or
 * has the default derived from its id (`org_acme` → `org-acme`). A chosen namespace always has a
 * dot and a default never has one, so the two can never be equal: a default is free of charge
 * and unique because ids are.
 */

/** Reverse-DNS labels: lower case letters, digits and inner hyphens, at least two labels. */
export const REGISTRY_NAMESPACE_PATTERN =
  /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
export const MAX_REGISTRY_NAMESPACE_LENGTH = 100;
export const REGISTRY_NAMESPACE_RULE =
  'a reverse-DNS name of lower-case labels (letters, digits, inner hyphens) separated by dots, e.g. com.acme, at most 100 characters';

/** A namespace as the registry's server names carry it (the official name pattern's part). */
const ANY_NAMESPACE = /^[a-zA-Z0-9.-]{1,100}$/;
const DEFAULT_NAMESPACE = /^org-([A-Za-z0-9]{3,64})$/;

/** The namespace of an organization that has not chosen one. */
export function defaultRegistryNamespace(organizationId: string): string {
  return organizationId.replace('_', '-');
}

/** The namespace in use: the chosen one, else the default. */
export function registryNamespaceOf(organization: {
  id: string;
  registryNamespace: string | null;
}): string {
  return organization.registryNamespace ?? defaultRegistryNamespace(organization.id);
}

/** Whether `value` may be chosen as a namespace (a default is never chosen, it is the absence). */
export function isChosenRegistryNamespace(value: string): boolean {
  return value.length <= MAX_REGISTRY_NAMESPACE_LENGTH && REGISTRY_NAMESPACE_PATTERN.test(value);
}

/** What a namespace in a request names: a chosen one, an organization's default, or nothing. */
export type NamespaceLookup =
  | { kind: 'chosen'; namespace: string }
  | { kind: 'default'; organizationId: string }
  | { kind: 'none' };

export function lookupOfNamespace(namespace: string): NamespaceLookup {
  if (!ANY_NAMESPACE.test(namespace)) return { kind: 'none' };
  const fallback = DEFAULT_NAMESPACE.exec(namespace);
  if (fallback) return { kind: 'default', organizationId: `org_${fallback[1]}` };
  return isChosenRegistryNamespace(namespace) ? { kind: 'chosen', namespace } : { kind: 'none' };
}
