import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document, Packer, Paragraph, TextRun } from "docx";
import { PDFArray, PDFDocument, PDFHexString, PDFName, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWorkspace } from "../../store/index.ts";
import { extractDocumentText } from "./extract-document-text.ts";
import { importDocuments } from "./import-documents.ts";

/** A one-page PDF with each line drawn as text, and one with a page but nothing on it. */
async function pdfBytes(lines: readonly string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  lines.forEach((line, index) => {
    page.drawText(line, { x: 50, y: 780 - index * 20, size: 12, font });
  });
  return pdf.save();
}

/**
 * A PDF that says it is encrypted (the standard security handler, RC4 40-bit) with a user
 * password that is not empty: its /U entry matches no key, so a reader must ask for a password.
 */
async function encryptedPdfBytes(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage().drawText("Secret resume", { x: 40, y: 700, size: 12, font });
  const encrypt = pdf.context.obj({ Filter: "Standard", V: 1, R: 2, Length: 40, P: -4 });
  encrypt.set(PDFName.of("O"), PDFHexString.of("ab".repeat(32)));
  encrypt.set(PDFName.of("U"), PDFHexString.of("cd".repeat(32)));
  pdf.context.trailerInfo.Encrypt = pdf.context.register(encrypt);
  const id = PDFArray.withContext(pdf.context);
  id.push(PDFHexString.of("0123456789abcdef".repeat(2)));
  id.push(PDFHexString.of("0123456789abcdef".repeat(2)));
  pdf.context.trailerInfo.ID = id;
  return pdf.save({ useObjectStreams: false });
}

async function docxBytes(paragraphs: readonly string[]): Promise<Buffer> {
  const document = new Document({
    sections: [{ children: paragraphs.map((text) => new Paragraph({ children: [new TextRun(text)] })) }],
  });
  return Packer.toBuffer(document);
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-extract-"));
  mkdirSync(join(dir, "resumes", "nested"), { recursive: true });
  const pdf = await pdfBytes(["Jane Doe, DevOps engineer", "Ran Kubernetes clusters on AWS."]);
  writeFileSync(join(dir, "resumes", "jane.pdf"), pdf);
  writeFileSync(join(dir, "resumes", "broken.pdf"), pdf.slice(0, Math.floor(pdf.length / 3)));
  writeFileSync(join(dir, "resumes", "blank.pdf"), await pdfBytes([]));
  writeFileSync(join(dir, "resumes", "locked.pdf"), await encryptedPdfBytes());
  writeFileSync(
    join(dir, "resumes", "nested", "sam.docx"),
    await docxBytes(["Sam Roe", "Accountant: prepared monthly ledgers."]),
  );
  writeFileSync(join(dir, "resumes", "nested", "note.md"), "# Kim\nNurse on a surgical ward.\n");
  writeFileSync(join(dir, "resumes", "page.html"), "<p>Lee <b>Chef</b></p><script>x()</script>");
  writeFileSync(join(dir, "resumes", "fake.docx"), "not a zip at all");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("extractDocumentText", () => {
  it("reads the text drawn in a PDF", async () => {
    const result = await extractDocumentText(join(dir, "resumes", "jane.pdf"));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.text).toContain("Jane Doe, DevOps engineer");
      expect(result.text).toContain("Kubernetes clusters on AWS.");
      expect(result.format).toBe("text");
    }
  });

  it("reads the paragraphs of a DOCX", async () => {
    const result = await extractDocumentText(join(dir, "resumes", "nested", "sam.docx"));
    expect(result).toEqual({
      ok: true,
      format: "text",
      text: "Sam Roe\n\nAccountant: prepared monthly ledgers.",
    });
  });

  it("keeps HTML as HTML and text as text", async () => {
    expect(await extractDocumentText(join(dir, "resumes", "page.html"))).toMatchObject({
      ok: true,
      format: "html",
    });
    expect(await extractDocumentText(join(dir, "resumes", "nested", "note.md"))).toMatchObject({
      ok: true,
      format: "text",
      text: "# Kim\nNurse on a surgical ward.\n",
    });
  });

  it("says why a truncated PDF, an encrypted PDF, an image-only PDF and a fake DOCX have no text", async () => {
    const broken = await extractDocumentText(join(dir, "resumes", "broken.pdf"));
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.reason).toMatch(/^unreadable PDF|^no text in the PDF/);
    expect(await extractDocumentText(join(dir, "resumes", "locked.pdf"))).toEqual({
      ok: false,
      reason: "encrypted PDF (needs a password)",
    });
    expect(await extractDocumentText(join(dir, "resumes", "blank.pdf"))).toEqual({
      ok: false,
      reason: "no text in the PDF (1 page(s); scanned or image-only?)",
    });
    const fake = await extractDocumentText(join(dir, "resumes", "fake.docx"));
    expect(fake.ok).toBe(false);
    if (!fake.ok) expect(fake.reason).toMatch(/^unreadable DOCX/);
  });
});

describe("import of a folder with PDF and DOCX files", () => {
  it("imports every readable file and reports each unreadable one by name", async () => {
    const workspace = openWorkspace(join(dir, "ws"));
    try {
      const summary = await importDocuments(workspace, [join(dir, "resumes")]);
      expect(summary).toMatchObject({ rows: 8, inserted: 4, badRows: 4 });
      expect(summary.refusedSamples.map((row) => row.file.split("/").pop()).sort()).toEqual([
        "blank.pdf",
        "broken.pdf",
        "fake.docx",
        "locked.pdf",
      ]);
      expect(workspace.documents.get("nested/sam.docx")?.text).toContain("monthly ledgers");
      expect(workspace.documents.get("jane.pdf")?.text).toContain("Kubernetes");
      expect(workspace.documents.get("page.html")?.format).toBe("html");
    } finally {
      workspace.close();
    }
  });
});
