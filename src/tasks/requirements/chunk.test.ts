import { describe, expect, it } from "vitest";
import { createRandom } from "../../core/random.ts";
import { chunkDocument, chunkSourceDocument } from "./chunk.ts";

function longAdvert(seed: number, lines: number): string {
  const random = createRandom(seed);
  const bullets = [
    "Design, build and operate the services behind our payouts and reconciliation APIs.",
    "5+ years of experience in backend development with Go or Python.",
    "Excellent written communication; most decisions happen in documents.",
    "We offer 30 days of paid holiday and a learning budget of 2,000 EUR per year.",
    "Experience with PostgreSQL, Kafka and Kubernetes is a plus. You will mentor others.",
  ];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(i % 9 === 0 ? "What we offer:" : `• ${bullets[random.int(bullets.length)]}`);
  }
  return out.join("\n");
}

describe("chunkDocument", () => {
  it("keeps a short text whole", () => {
    expect(chunkDocument("doc", "Short advert.")).toEqual([
      { documentId: "doc", text: "Short advert.", chunkIndex: 0, chunkCount: 1, offset: 0 },
    ]);
  });

  it("covers a long text without gaps, with overlap, within the size limit, offsets exact", () => {
    const text = longAdvert(1, 400);
    const chunks = chunkDocument("doc", text, { maxChars: 2000, overlapChars: 300 });
    expect(chunks).toHaveLength(17);
    let covered = 0;
    chunks.forEach((chunk, index) => {
      expect(chunk.chunkIndex).toBe(index);
      expect(chunk.chunkCount).toBe(chunks.length);
      expect(chunk.text.length).toBeLessThanOrEqual(2000);
      expect(text.slice(chunk.offset, chunk.offset + chunk.text.length)).toBe(chunk.text);
      // No gap: each chunk starts at or before the end of what came before.
      expect(chunk.offset).toBeLessThanOrEqual(covered);
      if (index > 0) {
        const overlap = covered - chunk.offset;
        expect(overlap).toBeGreaterThan(0);
        expect(overlap).toBeLessThanOrEqual(300);
      }
      covered = chunk.offset + chunk.text.length;
    });
    expect(covered).toBe(text.length);
  });

  it("cuts between lines, not inside them", () => {
    const text = longAdvert(2, 200);
    const chunks = chunkDocument("doc", text, { maxChars: 1500, overlapChars: 200 });
    expect(chunks).toHaveLength(11);
    for (const chunk of chunks) {
      const end = chunk.offset + chunk.text.length;
      if (end < text.length) expect(text.charAt(end - 1)).toBe("\n");
      if (chunk.offset > 0) expect(text.charAt(chunk.offset - 1)).toMatch(/\n| /);
    }
  });

  it("falls back to spaces, then to a hard cut, when there are no segment boundaries", () => {
    const words = "word ".repeat(1000);
    const byWords = chunkDocument("doc", words, { maxChars: 333, overlapChars: 0 });
    // 66 five-character words fit in 333 characters: 1000 words are 15 such chunks and 10 words.
    expect(byWords.map((chunk) => chunk.text.length)).toEqual([...Array<number>(15).fill(330), 50]);
    for (const chunk of byWords) expect(chunk.text.endsWith(" ")).toBe(true);
    expect(byWords.map((chunk) => chunk.text).join("")).toBe(words);
    const solid = "x".repeat(1000);
    const hard = chunkDocument("doc", solid, { maxChars: 300, overlapChars: 50 });
    expect(hard.map((chunk) => chunk.text.length)).toEqual([300, 300, 300, 100]);
    expect(hard.map((chunk) => chunk.text).join("")).toBe(solid);
  });

  it("covers random texts without gaps for random sizes", () => {
    const random = createRandom(21);
    const pieces = ["word ", "Sentence ends. ", "\n", "• item\n", "x", "  ", "longerwordwithoutspaces"];
    for (let round = 0; round < 200; round++) {
      let text = "";
      const length = random.int(400);
      for (let i = 0; i < length; i++) text += pieces[random.int(pieces.length)];
      const maxChars = 20 + random.int(300);
      const overlapChars = random.int(Math.floor(maxChars / 2));
      const chunks = chunkDocument("doc", text, { maxChars, overlapChars });
      let covered = 0;
      for (const chunk of chunks) {
        expect(chunk.text.length).toBeLessThanOrEqual(maxChars);
        expect(text.slice(chunk.offset, chunk.offset + chunk.text.length)).toBe(chunk.text);
        expect(chunk.offset).toBeLessThanOrEqual(covered);
        expect(chunk.offset + chunk.text.length).toBeGreaterThan(covered);
        covered = chunk.offset + chunk.text.length;
      }
      expect(covered).toBe(text.length);
    }
  });

  it("rejects impossible options", () => {
    expect(() => chunkDocument("doc", "text", { maxChars: 0 })).toThrow(/maxChars/);
    expect(() => chunkDocument("doc", "text", { maxChars: 100, overlapChars: 60 })).toThrow(/overlapChars/);
  });

  it("reduces HTML documents to readable text first", () => {
    const [chunk] = chunkSourceDocument({
      id: "h",
      text: "<ul><li>Python &amp; SQL</li></ul>",
      format: "html",
    });
    expect(chunk?.text).toBe("• Python & SQL");
  });
});
