import { htmlToText } from "../../align/index.ts";
import type { GoldImportStore } from "../../store/index.ts";
import { demoDocument, demoGoldSpans, loadDemoCorpus } from "../../tasks/requirements/demo-corpus.ts";
import { REQUIREMENT_LABELS_VERSION } from "../../tasks/requirements/labels.ts";

export const DEMO_GOLD_SOURCE = { kind: "gold", name: "demo" } as const;

export interface DemoImportSummary {
  adverts: number;
  documentsInserted: number;
  documentsExisting: number;
  spans: number;
}

/**
 * Imports the built-in, hand-written demo corpus: each advert as a document (HTML kept as HTML)
 * and its hand annotations as gold for the task "requirements", with offsets into the text the
 * pipeline labels (HTML reduced by `htmlToText`). Re-importing replaces the previous demo gold.
 */
export function importDemoGold(workspace: GoldImportStore, path?: string): DemoImportSummary {
  const adverts = loadDemoCorpus(path);
  const summary: DemoImportSummary = {
    adverts: adverts.length,
    documentsInserted: 0,
    documentsExisting: 0,
    spans: 0,
  };
  workspace.transaction(() => {
    for (const advert of adverts) {
      const result = workspace.documents.insert(demoDocument(advert));
      if (result.status === "inserted") summary.documentsInserted++;
      else summary.documentsExisting++;
      const spans =
        advert.format === "html"
          ? demoGoldSpans(advert, (html) => htmlToText(html).text)
          : demoGoldSpans(advert);
      workspace.annotations.insert({
        documentId: result.existingId ?? result.id,
        task: "requirements",
        taskVersion: REQUIREMENT_LABELS_VERSION,
        source: { ...DEMO_GOLD_SOURCE },
        payload: { spans },
      });
      summary.spans += spans.length;
    }
  });
  return summary;
}
