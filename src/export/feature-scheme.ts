import type { SegmentClassifierConfig } from "../student/segment-classifier/index.ts";
import type { SkillTypeModelConfig } from "../student/skill-type/index.ts";
import type { TaggerConfig } from "../student/tagger/index.ts";

/*
 * feature-scheme.md for each lexical student: the featuriser written out so another runtime can
 * rebuild it and check itself against test-vectors.jsonl. Every constant here is copied from the
 * featuriser it describes (src/student/…/features.ts, hashing.ts); the test vectors catch a drift.
 */

const common = [
  "## Conventions",
  "",
  "- Strings are sequences of **UTF-16 code units** (JavaScript strings): a character outside the BMP (an emoji) is two units, hashed one by one.",
  "- All arithmetic is on **unsigned 32-bit integers**, wrapping: `imul(a, b)` is the low 32 bits of a·b; `^` xor, `>>>` logical shift right, `&` and.",
  "- `fnv(seed, units)`: `h = seed; for each unit u: h = imul(h ^ u, 0x01000193)` (FNV-1a with a chosen start state).",
  "- `mix(h)` (murmur3's finaliser): `h ^= h >>> 16; h = imul(h, 0x85ebca6b); h ^= h >>> 13; h = imul(h, 0xc2b2ae35); h ^= h >>> 16`.",
  "- Feed the graph one row per input, the ids padded with -1 to a common width (at least 1). Any negative id is padding.",
  "",
].join("\n");

/** The segment classifier's featuriser (also a combined encoder head's `feature_ids`), up to its scoring. */
function segmentFeaturisation(features: SegmentClassifierConfig["features"], title: string): string[] {
  const { hashBits, wordNgrams, charNgrams } = features;
  return [
    `# Feature scheme: ${title}`,
    "",
    `Settings of this model: hashBits = ${hashBits} (mask = 2^${hashBits} − 1 = ${2 ** hashBits - 1}), wordNgrams = ${wordNgrams}, charNgrams = ${charNgrams === false ? "none" : `${charNgrams.min}..${charNgrams.max}`}.`,
    "Source: src/student/segment-classifier/features.ts (`FeatureExtractor.extract`).",
    "",
    common,
    "## Lower-casing",
    "",
    "`lower(u)`: for a code unit u < 0x2500, `String.fromCharCode(u).toLowerCase()` when that is one code unit, else u unchanged; u ≥ 0x2500 unchanged. (Per code unit, locale-independent: 'İ' (U+0130) lower-cases to two units in JavaScript, so it stays 'İ'.)",
    "",
    "## Tokens",
    "",
    "1. Split on whitespace runs. Whitespace: U+0020, U+0009–U+000D, U+00A0, U+2000–U+200B, U+2028, U+2029, U+3000.",
    "2. In each chunk, peel leading punctuation one unit at a time, each its own token: `( [ { \" '` and U+2022 (•).",
    "3. Then strip trailing punctuation `. , ; : ! ? ) ] } \" '`; what remains (if non-empty) is a word token, and each stripped unit becomes its own one-unit token, in text order after the word.",
    "   Inner punctuation stays: `c++`, `node.js`, `ci/cd` are one token.",
    "4. Each token's hash: `t = fnv(0x811c9dc5, lower(units of the token))` (no mix yet).",
    "",
    "## Ids, in order (duplicates are kept: they count twice)",
    "",
    "For each token index i (0-based) of T tokens:",
    "",
    "- the word: `mix(t[i])`;",
    `- word n-grams for n = 2..${wordNgrams} while i + n − 1 < T: \`c = t[i]\`, then for each n: \`c = imul(c, 116049371) + t[i+n−1]\` (wrapping), id \`mix(c ^ imul(n, 0x9e3779b1))\`;`,
    charNgrams === false
      ? "- no character n-grams;"
      : `- character n-grams of \`<\` + lower(token units) + \`>\` (P units long, \`<\` = 0x3C, \`>\` = 0x3E): for each start s in 0..P−1, \`h = 0x5bd1e995\`, then for e = s .. min(P, s + ${charNgrams.max}) − 1: \`h = imul(h ^ unit[e], 0x01000193)\`, n = e − s + 1; when n ≥ ${charNgrams.min} and not (n = 1 and the unit is the boundary \`<\` at 0 or \`>\` at P−1), id \`mix(h ^ n)\`.`,
    "",
    "Then (only when the caller passes extra feature strings; `jobdistill predict` does not): for each string, `mix(fnv(0x27d4eb2f, units))`.",
    "",
    `Every id is masked: \`id & ${2 ** hashBits - 1}\`.`,
    "",
  ];
}

export function segmentClassifierScheme(config: SegmentClassifierConfig): string {
  return [
    ...segmentFeaturisation(config.features, "segment classifier"),
    "## Scoring (what model.onnx computes)",
    "",
    "`margin[l] = (Σ_ids W[id, l]) / sqrt(count) + bias[l]`, count = number of ids (0 ids: margin = bias).",
    config.calibration.kind === "platt"
      ? "`probability[l] = sigmoid(slope[l] · margin[l] + intercept[l])`; a label is predicted when probability ≥ its threshold."
      : `\`probabilities = softmax(margins / ${config.calibration.temperature})\`; the predicted label is the argmax.`,
    "",
  ].join("\n");
}

/** The `feature_ids` input of a combined encoder head (embedding and hashed n-grams in one head). */
export function combinedHeadScheme(features: SegmentClassifierConfig["features"]): string {
  return [
    ...segmentFeaturisation(features, "combined encoder head (`feature_ids`)"),
    "## Scoring (what model.onnx computes)",
    "",
    "`logits = output(dense(pool(encoder(input_ids, attention_mask))) + (Σ_ids T[id, l]) / sqrt(count))`, count = number of ids (0 ids: no n-gram term), with the calibration folded into the last dense layer and into T; `output` is softmax or a sigmoid per label (README.md).",
    "",
  ].join("\n");
}

export function skillTypeScheme(config: SkillTypeModelConfig): string {
  const { hashBits, charMin, charMax, wordBigrams } = config.features;
  return [
    "# Feature scheme: skill-type regression",
    "",
    `Settings of this model: hashBits = ${hashBits} (mask ${2 ** hashBits - 1}), character n-grams ${charMin}..${charMax}, word bigrams ${wordBigrams ? "on" : "off"}, lexicon hint ${config.usesLexiconHint ? "USED (see below)" : "not used"}.`,
    "Source: src/student/skill-type/features.ts (`skillTypeFeatures`).",
    "",
    common,
    "## Feature strings",
    "",
    "Each feature is a string; its id is `mix(fnv(0x811c9dc5, units of the string)) & mask`. **Ids are distinct**: a feature string or id that repeats is sent once (order free).",
    "",
    "Words: lower-case the phrase with full Unicode `toLowerCase()` (locale-independent), split on the regex `/[\\s()[\\]{}\"'“”‘’;:!?,/|]+/`, then per piece remove a leading run of `- – . * • ·` when a word character (`[A-Za-z0-9_]`) follows it, remove a trailing run of the same characters, drop empty pieces, and singularise:",
    "a word longer than 3 letters, all `[a-z]`: `…ies` (length > 4) → `…y`; `…sses|…shes|…ches|…xes` → drop the last 2; `…s` not ending `ss|us|is|os` → drop the last 1; otherwise unchanged.",
    "",
    "With the words w[0..n−1]:",
    "",
    "- `bias`; `n:<min(n, 6)>`;",
    `- per word i: \`w:<w>\`; \`f:<w>\` if i = 0; \`l:<w>\` if i = n−1;${wordBigrams ? " `b:<w[i−1]> <w[i]>` if i > 0;" : ""} for each length k = ${charMin}..${charMax} and each start: \`c:<k units of "<" + w + ">">\`;`,
    "- shape, on the original phrase: tokens = phrase trimmed, split on whitespace, keeping tokens that contain a word character;",
    "  `s:acronym` if a token matches `^[A-Z]{2,}[a-z]*$` or `^[A-Z][a-z]+[A-Z]`; `s:all-capitalised` if there is a token and all start with `[A-Z]`;",
    "  `s:digit` if the phrase contains `\\d`; `s:symbol` if the trimmed phrase matches `\\w[#+.]|[#+]$|^\\.\\w`;",
    config.usesLexiconHint
      ? "- `lex:<hint>` when a lexicon says hard / soft / language / unknown (jobdistill's workspace lexicon; without one, omit)."
      : "- (no lexicon hint: this model was trained without it).",
    "",
    "## Scoring (what model.onnx computes)",
    "",
    "`score[c] = Σ_ids W[id, c] + bias[c]`; `probabilities = softmax(scores)`; label = argmax(score[c] + offset[c]).",
    "",
  ].join("\n");
}

export function taggerScheme(config: TaggerConfig, parts: { clusters: boolean; lexicon: boolean }): string {
  const { window, affixLength, clusterDepths, bigrams, charNgrams } = config.features;
  return [
    "# Feature scheme: span tagger",
    "",
    `Settings of this model: hashBits = ${config.hashBits}, window = ${window}, affixLength = ${affixLength}, bigrams ${bigrams ? "on" : "off"}, char n-grams ${charNgrams.length > 0 ? charNgrams.join(", ") : "none"}, word clusters ${parts.clusters ? `at depths ${clusterDepths.join(", ")} (word-clusters.tsv)` : "none"}, lexicon ${parts.lexicon ? "lexicon.txt" : "none"}.`,
    "Source: src/student/tagger/features.ts (`FeatureExtractor.extract`), hashing.ts, word-forms.ts, lexicon.ts; tokens from src/align/tokenize.ts.",
    "",
    common,
    "## Hashes",
    "",
    "- `hs(text, seed) = fnv(0x811c9dc5 ^ seed, units)` (no mix).",
    "- `comb(a, b)`: `h = imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b`, then `h ^= h >>> 16; h = imul(h, 0x85ebca6b); h ^= h >>> 13; h = imul(h, 0xc2b2ae35); h ^= h >>> 16`.",
    `- A token's id list is built with \`add(template, v)\`: when v ≠ 0, append \`comb(template, v)\`. Finally every id is masked: \`id & ${2 ** config.hashBits - 1}\`.`,
    "",
    "## Tokens",
    "",
    "The tagger sees tokens, not text. jobdistill tokenises with src/align/tokenize.ts (words, numbers and punctuation, CoNLL style: `C++`, `.NET`, `Node.js`, `e.g.` stay whole); test-vectors.jsonl gives the tokens of each text so your tokeniser can check itself.",
    "",
    "## Atoms per token (index: value; 0 means absent)",
    "",
    'Word forms: `lower` = full Unicode toLowerCase; `core` = lower with leading and trailing runs of `[\\p{P}\\p{S}]` removed (if that leaves "", core = lower); `shape` = per code point: `\\p{Lu}` → X, `\\p{Ll}` → x, `\\p{Nd}` → d, else the character; `short` = shape with runs of one character collapsed.',
    "",
    "0 `hs(token, 1)`; 1 `hs(lower, 2)`; 2 `hs(core, 3)`; 3 `hs(first 12 units of shape, 4)`; 4 `hs(short, 5)`;",
    "5 `hs(flags, 6)`, flags = concatenation of `C` (starts `\\p{Lu}`), `A` (length > 1, equals its toUpperCase, has `\\p{Lu}`), `D` (has `\\d`), `P` (all `[\\p{P}\\p{S}]`), `H` (has `-`), `S` (has `/`);",
    "6 trailing: if not all-punctuation and the last unit is `[\\p{P}\\p{S}]`: `hs(last unit, 7)`; 7 leading: likewise with the first unit, seed 8;",
    '8 `hs(String(min(core length, 12)), 9)`; 9 placeholder: `hs("ph", 10)` if the token starts with `<` and ends with `>`;',
    `10.. affixes, for k = 1..${affixLength} while core length ≥ k: index 10+k−1 = \`hs(first k units of core, 20+k)\`, index 10+${affixLength}+k−1 = \`hs(last k units of core, 40+k)\`;`,
    parts.clusters
      ? `cluster atoms at index ${10 + 2 * affixLength}+j for depth j of [${clusterDepths.join(", ")}]: if core is in word-clusters.tsv, \`hs(first depth characters of its path, 60+j)\`.`
      : "(no cluster atoms.)",
    "",
    `Padding tokens \`\\u0000<s>\` (${window} before) and \`\\u0000</s>\` (${window} after) have atoms computed the same way.`,
    "",
    "## Ids of token p (of n), in order",
    "",
    "1. the bias: the literal id `1` (not combined);",
    "2. for each atom index a of the token: `add(100 + a, atom[a])`;",
    charNgrams.length > 0
      ? `3. character n-grams: for each length k in [${charNgrams.join(", ")}] and start, of \`^\` + core + \`$\`: \`add(7000, hs(k units, 80 + k))\`;`
      : "3. (no character n-grams);",
    `4. for each offset o in −${window}..${window}, o ≠ 0, with the token (or padding) at p+o: for each neighbour atom index a in [2, 4, 5, 6, 9${parts.clusters ? `, cluster indexes ${clusterDepths.map((_, j) => 10 + 2 * affixLength + j).join(", ")}` : ""}]: \`add(1000 + (o + 8)·100 + a, atom[a])\`; and for o = ±1: \`add(3000 + o, atom_of_neighbour[1])\`;`,
    bigrams
      ? `5. bigrams, with prev = token p−1 (or padding) and next = token p+1: for side 0 (prev, own) and side 1 (own, next), for each index a in [2, 4${parts.clusters && clusterDepths.length > 1 ? `, ${10 + 2 * affixLength + 1}` : ""}]: \`add(4000 + side·100 + a, comb(left[a], right[a]))\`; then \`add(4500, comb(prev[2], next[2]))\`;`
      : "5. (no bigrams);",
    '6. position: `add(5000, hs("first", 0) | hs("second", 0) | hs("later", 0))` for p = 0 | 1 | later; `add(5001, p = n−1 ? 1 : 2)`; `add(5002, 1 + floor(5p / n))`; `add(5003, n < 5 ? 1 : n < 10 ? 2 : n < 20 ? 3 : n < 40 ? 4 : 5)`;',
    parts.lexicon
      ? "7. lexicon marks (greedy longest match of the cores against lexicon.txt's phrases, each phrase split on whitespace and normalised the same way; mark 1 = first token of a match, 2 = inside, 0 = outside; 3 past either end): `add(6000, mark[p]+1)`, `add(6001, mark[p−1]+1)`, `add(6002, mark[p+1]+1)`, and if mark[p] ≠ 0: `add(6003 + mark[p], atom[2])`."
      : "7. (no lexicon marks).",
    "",
    "## Scoring (what model.onnx computes)",
    "",
    "Per token and layer, `emission[tag] = Σ_ids E[id, tag]` (no scaling; the bias is id 1). Decode with tagger-decoding.json (README).",
    "",
  ].join("\n");
}
