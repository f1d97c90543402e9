export { DEMO_GOLD_SOURCE, type DemoImportSummary, importDemoGold } from "./demo-gold.ts";
export {
  exportLabelStudio,
  type LabelStudioExportOptions,
  type LabelStudioExportSummary,
  labelStudioConfig,
  labelStudioControl,
} from "./label-studio-export.ts";
export {
  importLabelStudio,
  type LabelStudioImportOptions,
  type LabelStudioImportSummary,
} from "./label-studio-import.ts";
export {
  type CorpusImportSummary,
  type CorpusPosting,
  importRequirementsCorpusGold,
  loadRequirementsCorpus,
  REQUIREMENTS_CORPUS_GOLD_SOURCE,
} from "./requirements-corpus.ts";
export {
  importSkillSpanGold,
  isSkillSpanGold,
  readSkillSpanSplits,
  SKILLSPAN_GOLD_SOURCE,
  SKILLSPAN_TASK,
  type SkillSpanImportSummary,
  type SkillSpanOccurrence,
  type SkillSpanSentence,
  type SkillSpanSplits,
  skillSpanOccurrences,
} from "./skill-span-gold.ts";
