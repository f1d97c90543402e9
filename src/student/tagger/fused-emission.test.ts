import { describe, expect, it } from "vitest";
import { createRandom } from "../../core/random.ts";
import type { SentenceFeatures } from "./features.ts";
import { FusedEmission } from "./fused-emission.ts";
import { emissionScores, type LayerScores } from "./viterbi.ts";

const bucketMask = 2 ** 8 - 1;

function randomWeights(length: number, seed: number): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length }, () => (random.next() - 0.5) * 3);
}

function randomFeatures(tokens: number, seed: number): SentenceFeatures {
  const random = createRandom(seed);
  const ids: number[] = [];
  const offsets = [0];
  for (let token = 0; token < tokens; token++) {
    const count = 1 + random.int(40);
    for (let index = 0; index < count; index++) ids.push(random.int(2 ** 31));
    offsets.push(ids.length);
  }
  return { ids: Uint32Array.from(ids), offsets: Uint32Array.from(offsets) };
}

function layerScores(emission: Float32Array): LayerScores {
  const empty = new Float64Array(0);
  return { order: 1, bucketMask, emission, transition: empty, transition2: empty, final: empty };
}

describe("FusedEmission", () => {
  // [5, 3]: whole groups of four columns; [5, 3, 3]: three columns left over.
  it.each([[[5, 3]], [[5, 3, 3]]])(
    "gives layers of %j tags exactly the sums emissionScores gives, sentence after sentence",
    (sizes) => {
      const emissions = sizes.map((size, layer) => randomWeights((bucketMask + 1) * size, layer + 1));
      const fused = new FusedEmission(emissions, sizes, bucketMask);
      for (const [tokens, seed] of [
        [12, 1],
        [3, 2],
        [30, 3],
      ] as const) {
        const features = randomFeatures(tokens, seed);
        const scores = fused.scores(features);
        sizes.forEach((size, layer) => {
          const expected = emissionScores(features, layerScores(emissions[layer] as Float32Array), size);
          expect(Array.from((scores[layer] as Float64Array).subarray(0, tokens * size))).toEqual(
            Array.from(expected),
          );
        });
      }
    },
  );
});
