/**
 * A scripted document generator for the local OpenAI-protocol server (tests and bench/generate.ts):
 * it reads the item out of a `generate` prompt (label, grid cell, index, seed example) and writes a
 * document from them, planting near-duplicates and seed copies at known rates, so the quality
 * gates can be scored against what was planted.
 */
import { createHash } from "node:crypto";
import { generatePromptMarkers } from "../src/tasks/generate/index.ts";
import type { Behaviour, RecordedRequest } from "./openai-test-server.ts";

export type PlantedKind = "normal" | "near-duplicate" | "seed-copy";

export interface ScriptedGeneratorOptions {
  /** Share of items written as a light edit of an earlier normal item of the same label. @default 0 */
  nearDuplicateRate?: number;
  /** Share of items (of labels with seed examples) that paste a passage of their seed. @default 0 */
  seedCopyRate?: number;
  /** Words of a normal document. @default 120 */
  words?: number;
}

export interface ScriptedGenerator {
  /** The server's behaviour for a request. */
  answer(request: RecordedRequest): Behaviour;
  /** The answer to a prompt's messages, for an in-process fake model. */
  write(messages: readonly { role: string; content: string }[]): { text: string };
  /** What was planted per item (`label#index`), for every item answered. */
  readonly planted: Map<string, PlantedKind>;
}

/** A uniform number in [0, 1) from the text's hash. */
function unit(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0) / 0x1_0000_0000;
}

function* stream(seedText: string): Generator<number> {
  for (let counter = 0; ; counter++) {
    const digest = createHash("sha256").update(`${seedText}\u0000${counter}`).digest();
    for (let offset = 0; offset + 4 <= digest.length; offset += 4) yield digest.readUInt32BE(offset);
  }
}

const syllables = [
  "ka",
  "lo",
  "mi",
  "ren",
  "tu",
  "sa",
  "vel",
  "dor",
  "qui",
  "ban",
  "ze",
  "pho",
  "ly",
  "ost",
  "gar",
];
/** 3,375 made-up words: enough that two unrelated documents share almost no 5-word run. */
const vocabulary = syllables.flatMap((a) => syllables.flatMap((b) => syllables.map((c) => `${a}${b}${c}`)));
const frames = ["Profile.", "Experience:", "Responsible for", "Skills include", "Education:", "Worked with"];

interface ParsedItem {
  label: string;
  index: number;
  cell: string[];
  seed: string | undefined;
}

function parseItem(prompt: string): ParsedItem {
  const lines = prompt.split("\n");
  const label = lines.find((line) => line.startsWith("Class label: "))?.slice("Class label: ".length) ?? "";
  const itemLine = lines.find((line) => line.startsWith(generatePromptMarkers.item)) ?? "";
  const index = Number(/^Item (\d+)/.exec(itemLine)?.[1] ?? 0);
  const start = lines.indexOf(generatePromptMarkers.characteristics);
  const cell: string[] = [];
  for (let at = start + 1; start >= 0 && lines[at]?.startsWith("- "); at++)
    cell.push(lines[at]?.slice(2) ?? "");
  const seedStart = lines.indexOf(generatePromptMarkers.seedStart);
  const seedEnd = lines.indexOf(generatePromptMarkers.seedEnd);
  const seed =
    seedStart >= 0 && seedEnd > seedStart ? lines.slice(seedStart + 1, seedEnd).join("\n") : undefined;
  return { label, index, cell, seed };
}

/** A normal document's body for (label, index): a few shared frames among made-up words. */
function body(label: string, index: number, words: number): string[] {
  const random = stream(`${label}#${index}`);
  const out: string[] = [`${label} document.`];
  for (let i = 0; i < words; i++) {
    if (i % 20 === 0) out.push(frames[(random.next().value as number) % frames.length] ?? "");
    out.push(vocabulary[(random.next().value as number) % vocabulary.length] ?? "");
  }
  return out;
}

/** The item's grid values, as a closing line. */
const cellLine = (cell: readonly string[]): string =>
  cell.length === 0 ? "" : ` Profile: ${cell.join("; ")}.`;

export function createScriptedGenerator(options: ScriptedGeneratorOptions = {}): ScriptedGenerator {
  const nearDuplicateRate = options.nearDuplicateRate ?? 0;
  const seedCopyRate = options.seedCopyRate ?? 0;
  const words = options.words ?? 120;
  const planted = new Map<string, PlantedKind>();
  const kindOf = (label: string, index: number, hasSeed: boolean): PlantedKind => {
    if (index === 0) return "normal";
    const u = unit(`kind\u0000${label}\u0000${index}`);
    if (u < nearDuplicateRate) return "near-duplicate";
    if (hasSeed && u < nearDuplicateRate + seedCopyRate) return "seed-copy";
    return "normal";
  };
  const write = (messages: readonly { role: string; content: string }[]): { text: string } => {
    const user = messages.find((message) => message.role === "user")?.content ?? "";
    const item = parseItem(user);
    const hasSeed = item.seed !== undefined;
    const kind = kindOf(item.label, item.index, hasSeed);
    planted.set(`${item.label}#${item.index}`, kind);
    let text = `${body(item.label, item.index, words).join(" ")}${cellLine(item.cell)}`;
    if (kind === "near-duplicate") {
      // The nearest earlier normal item's body with one word changed, under this item's own cell.
      let original = item.index - 1;
      while (original > 0 && kindOf(item.label, original, hasSeed) !== "normal") original--;
      const edited = body(item.label, original, words);
      const at =
        1 + ((stream(`edit\u0000${item.label}#${item.index}`).next().value as number) % (edited.length - 1));
      edited[at] = "changed";
      text = `${edited.join(" ")}${cellLine(item.cell)}`;
    } else if (kind === "seed-copy" && item.seed !== undefined) {
      const seedWords = item.seed.split(/\s+/);
      const from =
        (stream(`copy\u0000${item.label}#${item.index}`).next().value as number) %
        Math.max(1, seedWords.length - 20);
      const parts = text.split(" ");
      parts.splice(Math.floor(parts.length / 2), 0, ...seedWords.slice(from, from + 20));
      text = parts.join(" ");
    }
    return { text };
  };
  return {
    planted,
    write,
    answer: (request) => ({ kind: "json", value: write(request.body.messages ?? []) }),
  };
}
