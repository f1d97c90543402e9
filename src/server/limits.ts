/** How much one request may ask of the server. */
export interface ServerLimits {
  /** Request body size in bytes (413 beyond). */
  maxBodyBytes: number;
  /** Characters of advert text (413 beyond). */
  maxTextChars: number;
  /** Skills in one typing request (413 beyond). */
  maxSkills: number;
  /** Different questions the career advisor works on at once (429 beyond). */
  maxConcurrentAdvice: number;
  /** Advisor answers kept in memory for identical questions. */
  adviceCacheEntries: number;
  /** Body of a `/v1/screen` request, uploads included (413 beyond). */
  maxScreenBodyBytes: number;
  /** One uploaded file of a `/v1/screen` request (413 beyond). */
  maxScreenFileBytes: number;
  /** Documents in one `/v1/screen` request (413 beyond). */
  maxScreenDocuments: number;
}

export const defaultServerLimits: ServerLimits = {
  maxBodyBytes: 1_000_000,
  maxTextChars: 100_000,
  maxSkills: 5_000,
  maxConcurrentAdvice: 2,
  adviceCacheEntries: 256,
  maxScreenBodyBytes: 20_000_000,
  maxScreenFileBytes: 5_000_000,
  maxScreenDocuments: 200,
};
