/**
 * The map's defaults, apart so the command spec (lib/contract) reads them
 * without loading the map.
 *
 * @module
 */

/** Default budget of a map, in tokens (`estimateTokens`, lib/text.ts). */
export const MAP_DEFAULT_BUDGET = 1024;
