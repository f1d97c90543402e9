import { NearDuplicateIndex, type NearDuplicateOptions } from "./minhash.ts";
import { SeedCopyDetector, type SeedText } from "./seed-copy.ts";

export type GateRejection =
  | { reason: "invalid"; detail: string }
  | { reason: "seed-copy"; detail: string; seed: string; words: number }
  | { reason: "near-duplicate"; detail: string; of: string; similarity: number };

export type GateReason = GateRejection["reason"];

export interface GateCounts {
  checked: number;
  accepted: number;
  /** Failed the schema or length checks. */
  invalid: number;
  seedCopies: number;
  nearDuplicates: number;
}

export interface QualityGateOptions {
  /** Seed examples no text may copy. */
  seeds: readonly SeedText[];
  /** Consecutive shared words that make a copy. */
  seedCopyWords: number;
  nearDuplicate: NearDuplicateOptions;
}

/**
 * The gates a generated text passes, in order: schema/length, seed copy, near-duplicate of any
 * earlier kept text. Texts are checked in arrival order and the verdict on one never depends on
 * later ones, so checking a growing set again (a resumed run, a top-up round) gives the same
 * verdicts to the texts already seen.
 */
export class QualityGates {
  readonly counts: GateCounts = { checked: 0, accepted: 0, invalid: 0, seedCopies: 0, nearDuplicates: 0 };
  private readonly copies: SeedCopyDetector;
  private readonly duplicates: NearDuplicateIndex;

  constructor(options: QualityGateOptions) {
    this.copies = new SeedCopyDetector(options.seeds, options.seedCopyWords);
    this.duplicates = new NearDuplicateIndex(options.nearDuplicate);
  }

  /** LSH banding chosen for the threshold, and candidate pairs compared so far. */
  get nearDuplicateIndex(): { bands: number; rows: number; comparisons: number } {
    return {
      bands: this.duplicates.bands,
      rows: this.duplicates.rows,
      comparisons: this.duplicates.comparisons,
    };
  }

  /**
   * Adds a text kept earlier (a document already stored) to the near-duplicate index without
   * judging it: later texts that near-duplicate it are rejected. Returns false when it is itself a
   * near-duplicate of one already remembered (it is then not added).
   */
  remember(id: string, text: string): boolean {
    return this.duplicates.add(id, text) === undefined;
  }

  /** Undefined when `text` is accepted; `issues` are schema/length problems found by the caller. */
  check(id: string, text: string, issues: readonly string[] = []): GateRejection | undefined {
    this.counts.checked++;
    const rejection = this.verdict(id, text, issues);
    if (rejection === undefined) this.counts.accepted++;
    else if (rejection.reason === "invalid") this.counts.invalid++;
    else if (rejection.reason === "seed-copy") this.counts.seedCopies++;
    else this.counts.nearDuplicates++;
    return rejection;
  }

  private verdict(id: string, text: string, issues: readonly string[]): GateRejection | undefined {
    if (issues.length > 0) return { reason: "invalid", detail: issues.join("; ") };
    const copy = this.copies.find(text);
    if (copy) {
      return {
        reason: "seed-copy",
        detail: `shares ${copy.words} consecutive words with seed example ${copy.seed}`,
        seed: copy.seed,
        words: copy.words,
      };
    }
    const duplicate = this.duplicates.add(id, text);
    if (duplicate) {
      return {
        reason: "near-duplicate",
        detail: `near-duplicate of ${duplicate.of} (Jaccard ${duplicate.similarity.toFixed(2)})`,
        of: duplicate.of,
        similarity: duplicate.similarity,
      };
    }
    return undefined;
  }
}
