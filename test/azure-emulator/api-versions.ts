/**
 * api-versions each provider accepts. The SDK defaults come first; older stable versions the
 * app might pin are accepted too since the payload fields it uses are the same.
 */
export const COSMOS_API_VERSIONS = ['2026-03-15', '2025-10-15', '2025-04-15', '2024-11-15', '2024-08-15', '2024-05-15', '2024-02-15-preview', '2023-11-15', '2023-04-15'] as const;
export const SUBSCRIPTIONS_API_VERSIONS = ['2022-12-01', '2021-01-01', '2020-01-01', '2016-06-01'] as const;
export const RESOURCE_GROUPS_API_VERSIONS = ['2025-04-01', '2024-11-01', '2024-03-01', '2022-09-01', '2021-04-01', '2020-06-01'] as const;
export const POSTGRES_CLUSTER_API_VERSIONS = ['2023-03-02-preview', '2022-11-08', '2024-08-01', '2025-08-01-preview'] as const;
export const MONGO_CLUSTER_API_VERSIONS = ['2026-06-01', '2025-09-01', '2025-08-01-preview', '2024-07-01', '2024-03-01-preview'] as const;
export const COMPUTE_API_VERSIONS = ['2026-04-01', '2025-04-01', '2024-11-01', '2024-07-01', '2024-03-01'] as const;
export const NETWORK_API_VERSIONS = ['2026-01-01', '2025-05-01', '2024-07-01', '2024-05-01', '2024-03-01'] as const;
