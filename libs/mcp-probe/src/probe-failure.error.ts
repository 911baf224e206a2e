import { ProbeErrorKind } from './probe.types';

/**
 * A failure whose kind and wording are already known where it is raised; the message must be safe
 * to show (no header, credential or env values).
 */
export class ProbeFailure extends Error {
  constructor(
    readonly kind: ProbeErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProbeFailure';
  }
}
