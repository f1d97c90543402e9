export { parseEscoSkillsCsv, readEscoSkillsCsv } from "./import-esco.ts";
export {
  type LexiconLabelSummary,
  labelSkillsWithLexicon,
  skillTypeOfLexiconKind,
} from "./label-with-lexicon.ts";
export {
  type LexiconEntry,
  type LexiconFile,
  type LexiconKind,
  lexiconEntrySchema,
  lexiconFileSchema,
  lexiconKinds,
} from "./lexicon-entry.ts";
export { createLexiconLookup, type LexiconLookup, type LexiconMatch } from "./lexicon-lookup.ts";
export { lexiconPath, lexiconsDir, listLexicons, loadLexicon, saveLexicon } from "./lexicon-store.ts";
