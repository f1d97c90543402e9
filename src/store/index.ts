export { type AnnotationQuery, AnnotationsStore, type NewAnnotation } from "./annotations-store.ts";
export {
  BatchesStore,
  type BatchRequest,
  type BatchState,
  batchStates,
  type NewBatch,
  type StoredBatch,
} from "./batches-store.ts";
export {
  type CallFailureRecord,
  type CallRecord,
  CallsStore,
  type SpendRow,
  type StoredCallFailure,
} from "./calls-store.ts";
export { contentHash, DocumentsStore, type InsertDocumentResult } from "./documents-store.ts";
export { type EmbeddingSource, EmbeddingsStore, type StoredEmbedding } from "./embeddings-store.ts";
export {
  DEFAULT_LEASE_TTL_MS,
  type HeldClaims,
  type HolderOptions,
  LeasesStore,
  type LeasesStoreOptions,
} from "./leases-store.ts";
export { migrate, migrations } from "./migrations.ts";
export { type ModelEntry, ModelsStore, type StoredModel } from "./models-store.ts";
export { type NewRun, type Run, type RunProgress, type RunStatus, RunsStore } from "./runs-store.ts";
export {
  type AnnotationReader,
  DEFAULT_WORKSPACE_DIR,
  type GoldImportStore,
  type OpenWorkspaceOptions,
  openWorkspace,
  type Workspace,
} from "./workspace.ts";
