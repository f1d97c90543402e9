export { parseEscoSkillsCsv, readEscoSkillsCsv } from "./import-esco.ts";
export {
  type LexiconEntry,
  type LexiconFile,
  type LexiconKind,
  lexiconEntrySchema,
  lexiconFileSchema,
  lexiconKinds,
} from "./lexicon-entry.ts";
export { createLexiconLookup, type LexiconLookup, type LexiconMatch } from "./lexicon-lookup.ts";
