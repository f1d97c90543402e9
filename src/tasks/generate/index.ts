export { generateTaskDefinition } from "./definition.ts";
export {
  createGenerateTask,
  type GenerateOutput,
  generatePromptMarkers,
  generatePromptVersion,
  generationIssues,
} from "./generate-task.ts";
export {
  cellName,
  cellOrder,
  countByCell,
  type GenerationItem,
  type GridCell,
  generationItemKey,
  gridCells,
  planItemsInCells,
  planLabelItems,
  shortCells,
} from "./plan.ts";
export {
  type GenerationGates,
  type GenerationSpec,
  type GenerationSpecInput,
  type GridDimension,
  generationSpecSchema,
  type LabelPlan,
  parseGenerationSpec,
  type SeedExample,
} from "./spec.ts";
