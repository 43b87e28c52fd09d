/** Display names ARM prints in `location` / `locationName`; requests may use either form. */
const DISPLAY: Record<string, string> = {
  eastus: 'East US',
  eastus2: 'East US 2',
  westus: 'West US',
  westus2: 'West US 2',
  westus3: 'West US 3',
  centralus: 'Central US',
  northcentralus: 'North Central US',
  southcentralus: 'South Central US',
  westcentralus: 'West Central US',
  canadacentral: 'Canada Central',
  brazilsouth: 'Brazil South',
  northeurope: 'North Europe',
  westeurope: 'West Europe',
  uksouth: 'UK South',
  ukwest: 'UK West',
  francecentral: 'France Central',
  germanywestcentral: 'Germany West Central',
  swedencentral: 'Sweden Central',
  switzerlandnorth: 'Switzerland North',
  norwayeast: 'Norway East',
  japaneast: 'Japan East',
  japanwest: 'Japan West',
  koreacentral: 'Korea Central',
  southeastasia: 'Southeast Asia',
  eastasia: 'East Asia',
  australiaeast: 'Australia East',
  centralindia: 'Central India',
  southafricanorth: 'South Africa North',
  uaenorth: 'UAE North',
};

/** "West US", "westus", "WestUS" → "westus". */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

/** "westus" → "West US" (unknown names are returned as given). */
export function displayLocation(location: string): string {
  return DISPLAY[normalizeLocation(location)] ?? location;
}

export function isKnownLocation(location: string): boolean {
  return normalizeLocation(location) in DISPLAY;
}
