import { Document, Packer, Paragraph } from "docx";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { createApp } from "./app.ts";
import { sampleScreenModel } from "./fixtures.ts";
import { createKeywordPredictors } from "./keyword-predictors.ts";

const screen = await sampleScreenModel();
const app = createApp({
  predictors: createKeywordPredictors(),
  screen,
  limits: { maxScreenDocuments: 5, maxScreenFileBytes: 50_000 },
});

const postJson = (body: unknown, query = "") =>
  app.request(`/v1/screen${query}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function pdfFile(name: string, line: string): Promise<File> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage().drawText(line, { x: 40, y: 700, size: 12, font });
  return new File([new Uint8Array(await pdf.save())], name, { type: "application/pdf" });
}

describe("POST /v1/screen", () => {
  it("ranks JSON documents by the positive label's score, with their supporting sentences", async () => {
    const response = await postJson({
      documents: [
        { id: "chef", text: "Cooked for a busy restaurant kitchen.\nPlanned weekly menus." },
        { id: "ops", text: "Ran Kubernetes clusters on AWS.\nBuilt CI pipelines in GitHub Actions." },
        { text: "<p>Tuned <b>Prometheus</b> alerts.</p>", format: "html" },
      ],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      rows: { id: string; rank: number; label: string; score: number; sentences: { text: string }[] }[];
      failures: unknown[];
      model: unknown;
    };
    expect(body.rows.map((row) => row.rank)).toEqual([1, 2, 3]);
    expect(body.rows.at(-1)?.id).toBe("chef");
    expect(body.rows[0]?.label).toBe("devops");
    expect(body.rows.find((row) => row.id === "3")?.sentences[0]?.text).toBe("Tuned Prometheus alerts.");
    expect(body.model).toEqual({ labels: ["devops", "other"], positiveLabel: "devops", student: "ngram" });
    expect(body.failures).toEqual([]);
  });

  it("takes uploaded PDF, DOCX and text files, reports a broken one by name, and answers CSV on ?format=csv", async () => {
    const docx = await Packer.toBuffer(
      new Document({ sections: [{ children: [new Paragraph("Wrote Terraform modules for every team.")] }] }),
    );
    const form = new FormData();
    form.append("files", await pdfFile("ops.pdf", "Ran Kubernetes clusters on AWS."));
    form.append("files", new File([new Uint8Array(docx)], "infra.docx"));
    form.append("files", new File(["Taught maths classes to teenagers."], "../../teacher.txt"));
    form.append("files", new File([new Uint8Array([37, 80, 68, 70, 45])], "broken.pdf"));
    form.append("top", "2");
    const response = await app.request("/v1/screen", { method: "POST", body: form });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      rows: { id: string }[];
      failures: { id: string; reason: string }[];
    };
    expect(body.rows.map((row) => row.id).sort()).toEqual(["infra.docx", "ops.pdf"]);
    expect(body.failures).toEqual([{ id: "broken.pdf", reason: expect.stringMatching(/^unreadable PDF/) }]);

    const csvForm = new FormData();
    csvForm.append("files", new File(["Taught maths classes to teenagers."], "../../teacher.txt"));
    const csv = await app.request("/v1/screen?format=csv", { method: "POST", body: csvForm });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split("\n")[0]).toBe("rank,id,score,label,sentence_1,sentence_2,sentence_3");
    // The upload's path is not trusted: only its base name is kept.
    expect(text.split("\n")[1]).toMatch(/^1,teacher\.txt,/);
  });

  it("refuses too many documents, oversized files, bad options, and answers 404 without a model", async () => {
    const many = await postJson({
      documents: Array.from({ length: 6 }, () => ({ text: "Ran Kubernetes." })),
    });
    expect(many.status).toBe(413);
    expect(((await many.json()) as { error: { code: string } }).error.code).toBe("too_many_documents");
    expect((await postJson({ documents: [{ text: "x" }], threshold: 2 })).status).toBe(422);
    const form = new FormData();
    form.append("files", new File(["a".repeat(60_000)], "big.txt"));
    form.append("explain", "1");
    const big = (await (await app.request("/v1/screen", { method: "POST", body: form })).json()) as {
      failures: { id: string; reason: string }[];
    };
    expect(big.failures[0]).toEqual({
      id: "big.txt",
      reason: "larger than this server's limit of 50000 bytes per file",
    });
    const badField = new FormData();
    badField.append("files", new File(["Ran Kubernetes."], "a.txt"));
    badField.append("unknown", "1");
    expect((await app.request("/v1/screen", { method: "POST", body: badField })).status).toBe(422);
    const bare = createApp({ predictors: createKeywordPredictors() });
    const none = await bare.request("/v1/screen", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(none.status).toBe(404);
  });

  it("is in the OpenAPI document with both request bodies", async () => {
    const document = (await (await app.request("/v1/openapi.json")).json()) as {
      paths: Record<string, { post?: { requestBody: { content: Record<string, unknown> } } }>;
    };
    expect(Object.keys(document.paths["/v1/screen"]?.post?.requestBody.content ?? {})).toEqual([
      "application/json",
      "multipart/form-data",
    ]);
  });
});
