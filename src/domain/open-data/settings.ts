// Who the open data says is publishing it: the 360Giving identifier prefix, the funder, and where
// the grants benefit. Set from the environment (src/config.ts); these are the defaults.

export interface OpenDataSettings {
  /** The publisher's 360Giving prefix without `360G-`: grant ids are `360G-<prefix>-<case reference>`. */
  prefix: string;
  /** The funder's organisation identifier (org-id.guide), e.g. a GB-GOR-… id. */
  funderId: string;
  funderName: string;
  /** Where the grants benefit people: every grant's beneficiary location. */
  beneficiaryLocation: string;
}

export const DEFAULT_OPEN_DATA_PREFIX = 'opcc-example';
export const DEFAULT_FUNDER_NAME =
  'Office of the Police and Crime Commissioner for Cambridgeshire and Peterborough';
export const DEFAULT_BENEFICIARY_LOCATION = 'Cambridgeshire and Peterborough';

/** The settings with defaults filled in; the funder's id defaults to one under the publisher's prefix. */
export function openDataSettings(given: Partial<OpenDataSettings> = {}): OpenDataSettings {
  const prefix = given.prefix ?? DEFAULT_OPEN_DATA_PREFIX;
  return {
    prefix,
    funderId: given.funderId ?? `360G-${prefix}-funder`,
    funderName: given.funderName ?? DEFAULT_FUNDER_NAME,
    beneficiaryLocation: given.beneficiaryLocation ?? DEFAULT_BENEFICIARY_LOCATION,
  };
}
