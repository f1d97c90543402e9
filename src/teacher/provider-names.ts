/**
 * The teacher providers by name, apart from their implementations, so that option parsing can name
 * them without loading the openai SDK or the llama bindings.
 */
export const providerNames = ["openai", "llama"] as const;
export type ProviderName = (typeof providerNames)[number];
