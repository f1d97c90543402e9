/**
 * Every figure in the README's "Measured" section, with the stored results file and field it comes
 * from. Benches copy their entries into the files they write (`readmeFigures`), and
 * test/readme-figures.test.ts finds each phrase in the README and checks that its numbers equal the
 * stored fields, rounded as `format` says, so a README figure cannot drift from its evidence.
 *
 * A phrase is README text with `{}` where each number stands (one field per `{}`, in order) and `…`
 * for any text within a line; whitespace matches any whitespace, line breaks included. A phrase with
 * no `{}` states a fact (`equals` gives the value each of its fields must have). Beside these, the
 * test asks the README to name each file's command with the load it ran at (`provenance`).
 */

export type StoredResultsName =
  | "cold-start"
  | "skill-span-tagger"
  | "tagger-speed"
  | "tagger-predictions"
  | "segment-classifier"
  | "skill-type"
  | "teacher"
  | "label-workers"
  | "label-queue"
  | "server-threads"
  | "serve-encoder"
  | "predict-batch"
  | "requirements-students"
  | "requirements-corpus"
  | "import"
  | "crfsuite"
  | "roles-advisor"
  | "generate"
  | "screen"
  | "roles"
  | "active-learning"
  | "active-learning-dev";

/**
 * How the README shows a value: `decimals:N` (value.toFixed(N)), `percent:N` (100 × value, N
 * decimals), `round:STEP` (to the nearest STEP, with thousands separators).
 */
export type FigureFormat = `decimals:${number}` | `percent:${number}` | `round:${number}`;

export interface ReadmeFigure {
  /** A stable name for the figure. */
  key: string;
  file: StoredResultsName;
  phrase: string;
  /** Dotted paths into the results file (array items by index), one per `{}`, or the facts checked. */
  fields: string[];
  format?: FigureFormat;
  /** For a phrase without numbers: the value every field must have. */
  equals?: unknown;
}

const tagger = "skill-span-tagger";
const rolesRowNames = {
  lexical: "lexical (TF-IDF over each occupation's items)",
  encoder: "USE-lite technology and task centroids",
  combined: "**combined** (z-score fusion)",
  prior: "prior (most items first)",
} as const;
const published = (index: number, ...keys: string[]) => keys.map((key) => `published.${index}.${key}`);

interface SideBySideCell {
  file: StoredResultsName;
  format: FigureFormat;
}

/**
 * The phrases of one row of the side-by-side table `| label | score / score | speed/s | memory |`:
 * the two scores, the speed (items per CPU second) and the memory cell (its own phrase), each
 * anchored on the row's label so that rows with the same shape do not match each other.
 */
function sideBySideRow(
  key: string,
  label: string,
  cells: {
    score: SideBySideCell & { fields: [string, string] };
    speed?: SideBySideCell & { field: string };
    memory?: SideBySideCell & { phrase: string; fields: string[] };
  },
): ReadmeFigure[] {
  const figures: ReadmeFigure[] = [
    {
      key: `side.${key}.score`,
      file: cells.score.file,
      phrase: `| ${label} | {} / {} |`,
      fields: cells.score.fields,
      format: cells.score.format,
    },
  ];
  if (cells.speed)
    figures.push({
      key: `side.${key}.speed`,
      file: cells.speed.file,
      phrase: `| ${label} |…| {}/s |`,
      fields: [cells.speed.field],
      format: cells.speed.format,
    });
  if (cells.memory)
    figures.push({
      key: `side.${key}.memory`,
      file: cells.memory.file,
      phrase: `| ${label} |…| ${cells.memory.phrase} |`,
      fields: cells.memory.fields,
      format: cells.memory.format,
    });
  return figures;
}

/** bench/active-learning.ts: per corpus, the curves' rows, the ceiling, the shares to 90/95% and the selection cost. */
const activeCorpora = [
  { id: "requirements", name: "requirements corpus", unit: "postings", rounds: 5 },
  { id: "skillspan", name: "SkillSpan", unit: "sentences", rounds: 5 },
] as const;
const activeStrategies = ["uncertain", "random"] as const;
const activeLearningFigures: readonly ReadmeFigure[] = activeCorpora.flatMap(({ id, name, unit, rounds }) => [
  {
    key: `active.${id}.setup`,
    file: "active-learning",
    phrase: `${name}: a pool of {} ${unit}, scored on {} held-out ones`,
    fields: [`${id}.pool`, `${id}.heldOutDocuments`],
    format: "round:1",
  },
  ...Array.from({ length: rounds }, (_, round) => round).flatMap((round): ReadmeFigure[] => [
    {
      key: `active.${id}.round${round + 1}.labels`,
      file: "active-learning",
      phrase: `| ${name} round ${round + 1}: {} ${unit} |`,
      fields: [`${id}.strategies.uncertain.curve.${round}.documents`],
      format: "round:1",
    },
    {
      key: `active.${id}.round${round + 1}.f1`,
      file: "active-learning",
      phrase: `| ${name} round ${round + 1}: … ${unit} | {} ({}–{}) | {} ({}–{}) |`,
      fields: activeStrategies.flatMap((strategy) =>
        ["mean", "min", "max"].map((key) => `${id}.strategies.${strategy}.curve.${round}.${key}`),
      ),
      format: "percent:1",
    },
  ]),
  {
    key: `active.${id}.ceiling`,
    file: "active-learning",
    phrase: `| ${name}, every pool document: … | {} ({}–{}) |`,
    fields: [`${id}.ceiling.mean`, `${id}.ceiling.min`, `${id}.ceiling.max`],
    format: "percent:1",
  },
  {
    key: `active.${id}.selection`,
    file: "active-learning",
    phrase: `${name}: selection {} s per round (uncertain) against {} s (random), training {} s per round`,
    fields: [
      `${id}.strategies.uncertain.selectionSecondsPerRound`,
      `${id}.strategies.random.selectionSecondsPerRound`,
      `${id}.strategies.uncertain.trainSecondsPerRound`,
    ],
    format: "decimals:1",
  },
  {
    key: `active.${id}.target`,
    file: "active-learning",
    phrase: `${name}: the target — 95% of the full-pool F1 with at most 40% of the labels — is not met`,
    fields: [`${id}.target.met`],
    equals: false,
  },
  {
    key: `active.${id}.calls`,
    file: "active-learning",
    phrase: `${name}: {} teacher calls per job (uncertain) against {} (random)`,
    fields: [`${id}.strategies.uncertain.teacherCalls`, `${id}.strategies.random.teacherCalls`],
    format: "round:1",
  },
]);

/** Both curves run to the whole pool: the shares each strategy needs, per seed too. */
const activeShareFigures: readonly ReadmeFigure[] = [
  ...activeCorpora.flatMap(({ id, name }) => [
    ...activeStrategies.flatMap((strategy) =>
      (["90", "95"] as const).map(
        (level): ReadmeFigure => ({
          key: `active.${id}.${strategy}.to${level}`,
          file: "active-learning",
          phrase: `${name}, ${strategy}: ${level === "90" ? "" : "… "}${level}% of the ceiling at {}% of the pool (seeds {}–{}%)`,
          fields: [
            `${id}.strategies.${strategy}.shareTo${level}`,
            `${id}.strategies.${strategy}.seedSharesRange.to${level}.min`,
            `${id}.strategies.${strategy}.seedSharesRange.to${level}.max`,
          ],
          format: "percent:1",
        }),
      ),
    ),
    {
      key: `active.${id}.seedsReaching`,
      file: "active-learning",
      phrase: `${name}: seeds reaching 95% of the ceiling: {} of {} (uncertain), {} of {} (random)`,
      fields: [
        `${id}.strategies.uncertain.seedSharesRange.to95.seeds`,
        `${id}.seeds.length`,
        `${id}.strategies.random.seedSharesRange.to95.seeds`,
        `${id}.seeds.length`,
      ],
      format: "round:1",
    } satisfies ReadmeFigure,
  ]),
  {
    key: "active.skillspan.holdOut",
    file: "active-learning",
    phrase: "the library's default hold-out of {}% of the labels",
    fields: ["skillspan.selection.holdOut"],
    format: "percent:0",
  },
  {
    key: "active.skillspan.saved",
    file: "active-learning",
    phrase: "at 95% of the ceiling uncertain stops {} sentences",
    fields: ["skillspan.savedAt95.documents"],
    format: "round:1",
  },
  {
    key: "active.skillspan.savedShare",
    file: "active-learning",
    phrase: "uncertain stops … sentences ({}% of the pool) before random",
    fields: ["skillspan.savedAt95.share"],
    format: "percent:1",
  },
  {
    key: "active.skillspan.lastRound",
    file: "active-learning",
    phrase:
      "SkillSpan's last round, every pool document bought in five rounds, scores {} against the ceiling's {}",
    fields: ["skillspan.strategies.uncertain.curve.4.mean", "skillspan.ceiling.mean"],
    format: "percent:1",
  },
  {
    key: "active.requirements.looks",
    file: "active-learning",
    phrase: "the test split's look number {} (`CORPUS_TEST_LOOKS`",
    fields: ["testLooks.requirementsCorpus"],
    format: "round:1",
  },
];

/** bench/active-learning-dev.ts: the requirements settings compared on dev. */
const activeDevRows = [
  { id: "start", strategy: "uncertain", row: "the settings as they were" },
  { id: "start", strategy: "random", row: "the settings as they were, random control" },
  { id: "leastSure", strategy: "uncertain", row: "the three least sure segments instead of the mean" },
  { id: "noDiversity", strategy: "uncertain", row: "no diversity step" },
  { id: "noHoldOut", strategy: "uncertain", row: "**no hold-out** (chosen)" },
] as const;
const activeDevFigures: readonly ReadmeFigure[] = [
  {
    key: "active-dev.start.diversity",
    file: "active-learning-dev",
    phrase: "the diversity threshold {}",
    fields: ["variants.start.selection.maxSimilarity"],
    format: "decimals:1",
  },
  {
    key: "active-dev.start.holdOut",
    file: "active-learning-dev",
    phrase: "a random {}% of the labels held",
    fields: ["variants.start.selection.holdOut"],
    format: "percent:0",
  },
  ...activeDevRows.map(
    ({ id, strategy, row }): ReadmeFigure => ({
      key: `active-dev.${id}.${strategy}`,
      file: "active-learning-dev",
      phrase: `| ${row} | {} | {} | {} | {} | {}% |`,
      fields: [
        `variants.${id}.ceiling.mean`,
        ...[0, 1, 2].map((round) => `variants.${id}.strategies.${strategy}.curve.${round}.mean`),
        `variants.${id}.strategies.${strategy}.shareTo95`,
      ],
      format: "percent:1",
    }),
  ),
];

export const readmeFigures: readonly ReadmeFigure[] = [
  {
    key: "label-queue.latency",
    file: "label-queue",
    phrase: "against the test server at {} ms latency, each worker `--concurrency {}`, {} items each run",
    fields: ["latencyMs", "scenarios.0.concurrency", "items"],
    format: "round:1",
  },
  {
    key: "label-queue.rates",
    file: "label-queue",
    phrase: "1 worker: {} items/s, 2 workers: {} items/s",
    fields: ["scenarios.0.itemsPerSecond", "scenarios.1.itemsPerSecond"],
    format: "decimals:1",
  },
  {
    key: "label-queue.speedup",
    file: "label-queue",
    phrase: "(×{} the rate of one)",
    fields: ["speedup"],
    format: "decimals:2",
  },
  {
    key: "label-queue.requests",
    file: "label-queue",
    phrase: "the server received {} and {} requests for them",
    fields: ["scenarios.0.requests", "scenarios.1.requests"],
    format: "round:1",
  },
  {
    key: "label-queue.no-duplicates",
    file: "label-queue",
    phrase: "with no duplicate request",
    fields: ["scenarios.0.duplicates", "scenarios.1.duplicates"],
    equals: 0,
  },
  {
    key: "machine.cpus",
    file: tagger,
    phrase: "On a {}-core machine",
    fields: ["provenance.machine.cpus"],
    format: "round:1",
  },
  {
    key: "tagger.f1",
    file: tagger,
    phrase: "| **jobdistill tagger** … | **{}** | **{}** | **{}** | **{}** |",
    fields: [
      "layers.skill.test.strict.f1",
      "layers.knowledge.test.strict.f1",
      "layers.skill.test.loose.f1",
      "layers.knowledge.test.loose.f1",
    ],
    format: "decimals:1",
  },
  {
    key: "tagger.published.linear-svc",
    file: tagger,
    phrase: "| token LinearSVC with tag history (published baseline) | {} | {} | {} | {} |",
    fields: published(4, "skill", "knowledge", "skillLoose", "knowledgeLoose"),
    format: "decimals:1",
  },
  {
    key: "tagger.published.perceptron",
    file: tagger,
    phrase: "| 2nd-order averaged perceptron (published baseline) | – | {} | – | {} |",
    fields: published(3, "knowledge", "knowledgeLoose"),
    format: "decimals:1",
  },
  {
    key: "tagger.published.gliner",
    file: tagger,
    phrase: "| GLiNER fine-tuned, 166M | {} | {} |",
    fields: published(2, "skill", "knowledge"),
    format: "decimals:1",
  },
  {
    key: "tagger.published.llama",
    file: tagger,
    phrase: "| LoRA LLaMA-3-8B | {} | {} |",
    fields: published(1, "skill", "knowledge"),
    format: "decimals:1",
  },
  {
    key: "tagger.published.jobspanbert",
    file: tagger,
    phrase: "| JobSpanBERT | {} | {} |",
    fields: published(0, "skill", "knowledge"),
    format: "decimals:1",
  },
  {
    key: "tagger.speed",
    file: "tagger-speed",
    phrase: "{} tokens per CPU second on one thread",
    fields: ["medianTokensPerCpuSecond"],
    format: "round:1000",
  },
  {
    key: "tagger.speed.passes",
    file: "tagger-speed",
    phrase: "median of {} passes over SkillSpan test",
    fields: ["settings.repetitions"],
    format: "round:1",
  },
  {
    key: "tagger.speed.ratio",
    file: "tagger-speed",
    phrase: "{}× the first version's code (pass by pass {}–{}×",
    fields: ["firstVersion.speedRatioMedian", "firstVersion.speedRatioMin", "firstVersion.speedRatioMax"],
    format: "decimals:1",
  },
  {
    key: "tagger.predictions.identical",
    file: "tagger-speed",
    phrase: "predictions identical to the first version's and to the committed hash",
    fields: ["firstVersion.identicalPredictions", "predictions.matchesCommittedReference"],
    equals: true,
  },
  {
    key: "tagger.training",
    file: tagger,
    phrase: "training {} CPU-s",
    fields: ["trainingCpuSeconds"],
    format: "decimals:0",
  },
  {
    key: "tagger.model-size",
    file: tagger,
    phrase: "model {} MB",
    fields: ["modelFileMB"],
    format: "decimals:1",
  },
  {
    key: "tagger.model-load",
    file: tagger,
    phrase: "loads in {} ms of CPU",
    fields: ["loadCpuMilliseconds"],
    format: "round:10",
  },
  {
    key: "segments.accuracy",
    file: "segment-classifier",
    phrase: "accuracy {} vs {}",
    fields: ["ours.testAccuracy", "fastText.testAccuracy"],
    format: "percent:2",
  },
  {
    key: "segments.macro-f1",
    file: "segment-classifier",
    phrase: "macro-F1 {} vs {}",
    fields: ["ours.testMacroF1", "fastText.testMacroF1"],
    format: "percent:2",
  },
  {
    key: "segments.speed",
    file: "segment-classifier",
    phrase: "{} vs {} predictions per CPU second",
    fields: ["ours.predictionsPerCpuSecond", "fastText.predictionsPerCpuSecond"],
    format: "round:1",
  },
  {
    key: "segments.speed.ratio",
    file: "segment-classifier",
    phrase: "predictions per CPU second ({}×)",
    fields: ["comparison.throughputCpu"],
    format: "decimals:1",
  },
  {
    key: "segments.training",
    file: "segment-classifier",
    phrase: "training {} vs {} CPU-s",
    fields: ["ours.trainCpuSeconds", "fastText.trainCpuSeconds"],
    format: "decimals:1",
  },
  {
    key: "skill-type.spans",
    file: "skill-type",
    phrase: "typing** of {} ESCO-typed SkillSpan test spans",
    fields: ["spans"],
    format: "round:1",
  },
  {
    key: "skill-type.accuracy",
    file: "skill-type",
    phrase: "accuracy {}%, macro-F1 {},",
    fields: ["accuracy", "macroF1"],
    format: "percent:1",
  },
  {
    key: "skill-type.per-class",
    file: "skill-type",
    phrase: "soft recall {}% / precision {}%, hard recall {}%",
    fields: ["perClass.Soft.recall", "perClass.Soft.precision", "perClass.Hard.recall"],
    format: "percent:1",
  },
  {
    key: "skill-type.language",
    file: "skill-type",
    phrase: "language spans: {}/{} typed Hard",
    fields: ["language.typedHard", "language.spans"],
    format: "round:1",
  },
  {
    key: "skill-type.anchor",
    file: "skill-type",
    phrase: "an 8B LLM judged by a stronger one: {}/{}",
    fields: ["anchor.correct", "anchor.total"],
    format: "round:1",
  },
  {
    key: "skill-type.speed",
    file: "skill-type",
    phrase: "~{} phrases per CPU second",
    fields: ["studentPhrasesPerSecond"],
    format: "round:1000",
  },
  {
    key: "skill-type.lexicon-speed",
    file: "skill-type",
    phrase: "lexicon lookup ~{}",
    fields: ["lexiconLookupsPerSecond"],
    format: "round:10000",
  },
  {
    key: "skill-type.encoder",
    file: "skill-type",
    phrase:
      "the encoder head alone types {}% of the spans (Unknown for the rest) at {}% accuracy with soft recall {}%",
    fields: [
      "encoderRows.rows.0.scored.coverage",
      "encoderRows.rows.0.scored.typedAccuracy",
      "encoderRows.rows.0.scored.typedSoftRecall",
    ],
    format: "percent:1",
  },
  {
    key: "skill-type.combined",
    file: "skill-type",
    phrase: "the lexical vote it types all at {}% (cut at one half)",
    fields: ["encoderRows.rows.2.scored.accuracy"],
    format: "percent:1",
  },
  {
    key: "skill-type.encoder-speed",
    file: "skill-type",
    phrase: "calibrated; ~{} phrases per CPU second",
    fields: ["encoderRows.rows.2.phrasesPerSecond"],
    format: "round:10",
  },
  {
    key: "teacher.server",
    file: "teacher",
    phrase: "a server with {} ms latency and a {} requests/minute limit",
    fields: ["pacing.latencyMs", "pacing.limitPerMinute"],
    format: "round:1",
  },
  {
    key: "teacher.pacing.seconds",
    file: "teacher",
    phrase: "a {}-second run",
    fields: ["pacing.seconds"],
    format: "round:1",
  },
  {
    key: "teacher.pacing.share",
    file: "teacher",
    phrase: "reached {}% of the limit",
    fields: ["pacing.shareOfLimit"],
    format: "percent:1",
  },
  {
    key: "teacher.no-429",
    file: "teacher",
    phrase: "with no 429 caused by the client",
    fields: ["pacing.serverRateLimited"],
    equals: 0,
  },
  {
    key: "teacher.overhead",
    file: "teacher",
    phrase: "engine overhead per call {} ms median",
    fields: ["overhead.overheadMedianMs"],
    format: "decimals:2",
  },
  {
    key: "teacher.bare-fetch",
    file: "teacher",
    phrase: "a bare HTTP round trip to the same server takes {} ms",
    fields: ["overhead.bareFetchMedianMs"],
    format: "decimals:2",
  },
  {
    key: "teacher.beyond-fetch",
    file: "teacher",
    phrase: "so the engine adds {} ms beyond it",
    fields: ["overhead.overheadBeyondFetchMedianMs"],
    format: "decimals:2",
  },
  {
    key: "teacher.cpu",
    file: "teacher",
    phrase: "{} ms of CPU per call",
    fields: ["overhead.processCpuMsPerCall"],
    format: "decimals:2",
  },
  {
    key: "server-threads.setting",
    file: "server-threads",
    phrase: "{}-word advert",
    fields: ["settings.advertWords"],
    format: "round:1",
  },
  {
    key: "server-threads.threads",
    file: "server-threads",
    phrase: "at concurrency 8, {} worker threads answered",
    fields: ["settings.workerThreads"],
    format: "round:1",
  },
  {
    key: "server-threads.concurrency-8.ratio",
    file: "server-threads",
    phrase: "worker threads answered ×{}–{} the requests/s",
    fields: ["ranges.concurrency8.ratio.0", "ranges.concurrency8.ratio.1"],
    format: "decimals:2",
  },
  {
    key: "server-threads.runs",
    file: "server-threads",
    phrase: "bench/server-threads.ts --runs {} --write-results",
    fields: ["settings.runs"],
    format: "round:1",
  },
  {
    key: "server-threads.runs.prose",
    file: "server-threads",
    phrase: "in the same run, over {} runs",
    fields: ["settings.runs"],
    format: "round:1",
  },
  {
    key: "server-threads.concurrency-8.requests",
    file: "server-threads",
    phrase: "{}–{} against {}–{} req/s",
    fields: [
      "ranges.concurrency8.poolRequestsPerSecond.0",
      "ranges.concurrency8.poolRequestsPerSecond.1",
      "ranges.concurrency8.ownThreadRequestsPerSecond.0",
      "ranges.concurrency8.ownThreadRequestsPerSecond.1",
    ],
    format: "round:1",
  },
  {
    key: "server-threads.concurrency-8.p99",
    file: "server-threads",
    phrase: "p99 {}–{} against {}–{} ms",
    fields: [
      "ranges.concurrency8.poolP99Ms.0",
      "ranges.concurrency8.poolP99Ms.1",
      "ranges.concurrency8.ownThreadP99Ms.0",
      "ranges.concurrency8.ownThreadP99Ms.1",
    ],
    format: "round:1",
  },
  {
    key: "server-threads.concurrency-1.ratio",
    file: "server-threads",
    phrase: "At concurrency 1 the ratio ranged ×{}–{}",
    fields: ["ranges.concurrency1.ratio.0", "ranges.concurrency1.ratio.1"],
    format: "decimals:2",
  },
  {
    key: "server-threads.concurrency-1.p50",
    file: "server-threads",
    phrase: "p50 {}–{} against {}–{} ms",
    fields: [
      "ranges.concurrency1.poolP50Ms.0",
      "ranges.concurrency1.poolP50Ms.1",
      "ranges.concurrency1.ownThreadP50Ms.0",
      "ranges.concurrency1.ownThreadP50Ms.1",
    ],
    format: "round:1",
  },
  // The side-by-side table "Lexical, encoder and combined students": one row per task and student.
  ...sideBySideRow("segments.lexical", "SkillSpan sentences: lexical (n-grams)", {
    score: {
      file: "segment-classifier",
      fields: ["ours.testAccuracy", "ours.testMacroF1"],
      format: "percent:2",
    },
    speed: { file: "segment-classifier", field: "ours.predictionsPerCpuSecond", format: "round:1" },
    memory: {
      file: "segment-classifier",
      phrase: "{} MB model",
      fields: ["modelFile.megabytes"],
      format: "decimals:1",
    },
  }),
  ...sideBySideRow("segments.embedding", "SkillSpan sentences: use-lite embedding", {
    score: {
      file: "segment-classifier",
      fields: ["encoderRows.embedding.testAccuracy", "encoderRows.embedding.testMacroF1"],
      format: "percent:2",
    },
    speed: {
      file: "segment-classifier",
      field: "encoderRows.embedding.predictionsPerCpuSecond",
      format: "round:1",
    },
    memory: {
      file: "segment-classifier",
      phrase: "{} MB model + {} MB encoder",
      fields: ["encoderRows.embedding.modelFileMegabytes", "encoderRows.encoderProcessMb.added"],
      format: "decimals:1",
    },
  }),
  ...sideBySideRow("segments.combined", "SkillSpan sentences: combined", {
    score: {
      file: "segment-classifier",
      fields: ["encoderRows.combined.testAccuracy", "encoderRows.combined.testMacroF1"],
      format: "percent:2",
    },
    speed: {
      file: "segment-classifier",
      field: "encoderRows.combined.predictionsPerCpuSecond",
      format: "round:1",
    },
    memory: {
      file: "segment-classifier",
      phrase: "{} MB model + {} MB encoder",
      fields: ["encoderRows.combined.modelFileMegabytes", "encoderRows.encoderProcessMb.added"],
      format: "decimals:1",
    },
  }),
  ...sideBySideRow("corpus.lexical", "requirements corpus: lexical (n-grams)", {
    score: {
      file: "requirements-corpus",
      fields: ["test.corpus.loose.micro.f1", "test.corpus.segmentMicroF1"],
      format: "percent:1",
    },
    speed: { file: "requirements-corpus", field: "corpusStudents.documentsPerSecond", format: "decimals:1" },
    memory: {
      file: "serve-encoder",
      phrase: "{} MB serving",
      fields: ["students.lexical.rssMb"],
      format: "round:1",
    },
  }),
  ...sideBySideRow("corpus.embedding", "requirements corpus: use-lite embedding", {
    score: {
      file: "requirements-corpus",
      fields: ["test.encoder.loose.micro.f1", "test.encoder.segmentMicroF1"],
      format: "percent:1",
    },
    speed: { file: "requirements-corpus", field: "encoderStudents.documentsPerSecond", format: "decimals:1" },
  }),
  ...sideBySideRow("corpus.combined", "requirements corpus: combined", {
    score: {
      file: "requirements-corpus",
      fields: ["test.combined.loose.micro.f1", "test.combined.segmentMicroF1"],
      format: "percent:1",
    },
    memory: {
      file: "serve-encoder",
      phrase: "{} MB serving",
      fields: ["students.combined.rssMb"],
      format: "round:1",
    },
  }),
  ...sideBySideRow("typing.lexical", "hard/soft typing: lexical (lexicon-linked)", {
    score: { file: "skill-type", fields: ["accuracy", "macroF1"], format: "percent:1" },
    speed: { file: "skill-type", field: "studentPhrasesPerSecond", format: "round:10" },
    memory: {
      file: "skill-type",
      phrase: "{} MB process",
      fields: ["encoderRows.rssMb.beforeEncoder"],
      format: "round:1",
    },
  }),
  ...[
    ["typing.encoder", "hard/soft typing: use-lite phrase", 0],
    ["typing.context", "hard/soft typing: use-lite phrase + sentence context", 1],
    ["typing.combined", "hard/soft typing: combined (+ lexical vote, exact lexicon match)", 2],
  ].flatMap(([key, label, row]) =>
    sideBySideRow(String(key), String(label), {
      score: {
        file: "skill-type",
        fields: [`encoderRows.rows.${row}.scored.accuracy`, `encoderRows.rows.${row}.scored.macroF1`],
        format: "percent:1",
      },
      speed: { file: "skill-type", field: `encoderRows.rows.${row}.phrasesPerSecond`, format: "round:1" },
      memory: {
        file: "skill-type",
        phrase: "{} MB process",
        fields: ["encoderRows.rssMb.afterRows"],
        format: "round:1",
      },
    }),
  ),
  {
    key: "serve-encoder.threads",
    file: "serve-encoder",
    phrase: "a {}-word advert with {} worker threads, `serve`'s default here",
    fields: ["settings.advertWords", "settings.workerThreads"],
    format: "round:1",
  },
  ...(["lexical", "combined"] as const).flatMap((student): ReadmeFigure[] => [
    {
      key: `serve-encoder.${student}.concurrency-1`,
      file: "serve-encoder",
      phrase: `${student} students: p50 {} ms / p99 {} ms at concurrency 1`,
      fields: [
        `students.${student}.concurrency1.latencyP50Ms`,
        `students.${student}.concurrency1.latencyP99Ms`,
      ],
      format: "round:1",
    },
    {
      key: `serve-encoder.${student}.concurrency-8`,
      file: "serve-encoder",
      phrase: `${student} students: … p50 {} ms / p99 {} ms at concurrency 8`,
      fields: [
        `students.${student}.concurrency8.latencyP50Ms`,
        `students.${student}.concurrency8.latencyP99Ms`,
      ],
      format: "round:1",
    },
    {
      key: `serve-encoder.${student}.requests`,
      file: "serve-encoder",
      phrase: `${student} students: … ({} and {} requests in {} s each`,
      fields: [
        `students.${student}.concurrency1.requests`,
        `students.${student}.concurrency8.requests`,
        "settings.durationSeconds",
      ],
      format: "round:1",
    },
    {
      key: `serve-encoder.${student}.throughput`,
      file: "serve-encoder",
      phrase: `${student} students: … {} req/s at concurrency 8`,
      fields: [`students.${student}.concurrency8.requestsPerSecond`],
      format: "decimals:1",
    },
  ]),
  {
    key: "import.rows",
    file: "import",
    phrase: "a generated {}-row CSV of advert texts, {} MB",
    fields: ["csv.rows", "csv.megabytes"],
    format: "round:1",
  },
  {
    key: "import.runs",
    file: "import",
    phrase: "median of {} runs each",
    fields: ["settings.runs"],
    format: "round:1",
  },
  {
    key: "import.rowsPerSecond",
    file: "import",
    phrase: "{} rows/s against Python's {} (×",
    fields: ["median.jobdistillRowsPerSecond", "median.pythonRowsPerSecond"],
    format: "round:1",
  },
  {
    key: "import.ratio",
    file: "import",
    phrase: "(×{}), and",
    fields: ["median.ratio"],
    format: "decimals:2",
  },
  {
    key: "import.perCpu",
    file: "import",
    phrase: "{} against {} rows per CPU second (×",
    fields: ["median.jobdistillRowsPerCpuSecond", "median.pythonRowsPerCpuSecond"],
    format: "round:1",
  },
  {
    key: "import.cpuRatio",
    file: "import",
    phrase: "rows per CPU second (×{})",
    fields: ["median.cpuRatio"],
    format: "decimals:2",
  },
  {
    key: "crfsuite.passes",
    file: "crfsuite",
    phrase: "knowledge layer, {} passes each",
    fields: ["settings.epochs"],
    format: "round:1",
  },
  {
    key: "crfsuite.crf",
    file: "crfsuite",
    phrase: "CRFsuite trained in {} CPU-s (test strict / loose F1 {} / {})",
    fields: ["crfsuite.trainingCpuSeconds", "crfsuite.test.strict.f1", "crfsuite.test.loose.f1"],
    format: "decimals:1",
  },
  {
    key: "crfsuite.requirements",
    file: "crfsuite",
    phrase: "requirements student's settings took {} CPU-s,",
    fields: ["jobdistill.0.trainingCpuSeconds"],
    format: "decimals:1",
  },
  {
    key: "crfsuite.requirementsRatio",
    file: "crfsuite",
    phrase: "×{} CRFsuite's (",
    fields: ["jobdistill.0.cpuRatio"],
    format: "decimals:2",
  },
  {
    key: "crfsuite.requirementsF1",
    file: "crfsuite",
    phrase: "CRFsuite's ({} / {})",
    fields: ["jobdistill.0.test.strict.f1", "jobdistill.0.test.loose.f1"],
    format: "decimals:1",
  },
  {
    key: "crfsuite.skills",
    file: "crfsuite",
    phrase: "calibration), {} CPU-s,",
    fields: ["jobdistill.1.trainingCpuSeconds"],
    format: "decimals:1",
  },
  {
    key: "crfsuite.skillsRatio",
    file: "crfsuite",
    phrase: "CPU-s, ×{} (",
    fields: ["jobdistill.1.cpuRatio"],
    format: "decimals:2",
  },
  {
    key: "crfsuite.skillsF1",
    file: "crfsuite",
    phrase: "(test F1 {} / {})",
    fields: ["jobdistill.1.test.strict.f1", "jobdistill.1.test.loose.f1"],
    format: "decimals:1",
  },
  {
    key: "requirements.folds",
    file: "requirements-students",
    phrase: "{}-fold cross-validation",
    fields: ["settings.folds"],
    format: "round:1",
  },
  {
    key: "requirements.highlights",
    file: "requirements-students",
    phrase: "highlights strict / loose span F1 {} / {}; segments micro F1 {}",
    fields: ["mean.highlightStrictF1", "mean.highlightLooseF1", "mean.segmentMicroF1"],
    format: "percent:1",
  },
  {
    key: "requirements.adverts",
    file: "requirements-students",
    phrase: "The demo corpus is small ({} adverts)",
    fields: ["adverts"],
    format: "round:1",
  },
  {
    key: "coldStart.runs",
    file: "cold-start",
    phrase: "median of {} runs alternating with `node -e 0`",
    fields: ["runs"],
    format: "round:1",
  },
  {
    key: "coldStart.ms",
    file: "cold-start",
    phrase: "`jobdistill --help` took {} ms against {} ms for Node.js starting and doing nothing",
    fields: ["helpMedianMs", "nodeMedianMs"],
    format: "round:1",
  },
  {
    key: "coldStart.predict",
    file: "cold-start",
    phrase: "one short advert on the demo's students took {} ms (median of {} runs",
    fields: ["predictMedianMs", "predictRuns"],
    format: "round:1",
  },
  {
    key: "coldStart.predictCpu",
    file: "cold-start",
    phrase:
      "runs; {} ms of CPU time; fastest {} ms, slowest {} ms), with `node -e 0` taking {} ms between them",
    fields: ["predictCpuMedianMs", "predictFastestMs", "predictSlowestMs", "nodeBesidePredictMedianMs"],
    format: "round:1",
  },
  {
    key: "coldStart.predictRatio",
    file: "cold-start",
    phrase: "taking … ms between them (×{} of",
    fields: ["predictRatioToNode"],
    format: "decimals:2",
  },
  {
    key: "coldStart.predictTarget",
    file: "cold-start",
    phrase: "Node.js starting): within the {} ms aimed at in this run",
    fields: ["predictTargetMs"],
    format: "round:1",
  },
  {
    key: "predictBatch.oneThread",
    file: "predict-batch",
    phrase:
      "one thread predicted {} adverts per CPU second over {} adverts and {} over {}, far below the {} aimed at",
    fields: [
      "oneThread.0.documentsPerCpuSecond",
      "oneThread.0.documents",
      "oneThread.1.documentsPerCpuSecond",
      "oneThread.1.documents",
      "targets.documentsPerCpuSecond",
    ],
    format: "round:1",
  },
  {
    key: "predictBatch.rss",
    file: "predict-batch",
    phrase: "peak RSS {} MB at {} and {} MB at {} (flat in N and within the {} MB aimed at",
    fields: [
      "oneThread.0.peakRssMb",
      "oneThread.0.documents",
      "oneThread.1.peakRssMb",
      "oneThread.1.documents",
      "targets.peakRssMb",
    ],
    format: "round:1",
  },
  {
    key: "predictBatch.threads",
    file: "predict-batch",
    phrase: "`--threads 2` took {} s of wall clock against {} s for one thread on the {}",
    fields: ["twoThreads.wallSeconds", "oneThread.1.wallSeconds", "twoThreads.documents"],
    format: "round:1",
  },
  {
    key: "predictBatch.speedup",
    file: "predict-batch",
    phrase: "(×{}, above the ×… aimed at",
    fields: ["threadsSpeedup"],
    format: "decimals:2",
  },
  {
    key: "predictBatch.speedupTarget",
    file: "predict-batch",
    phrase: "above the ×{} aimed at",
    fields: ["targets.threadsSpeedup"],
    format: "decimals:1",
  },
  {
    key: "predictBatch.threadsRss",
    file: "predict-batch",
    phrase: "aimed at; peak RSS {} MB,",
    fields: ["twoThreads.peakRssMb"],
    format: "round:1",
  },
  {
    key: "coldStart.ratio",
    file: "cold-start",
    phrase: "doing nothing (×{})",
    fields: ["ratioToNode"],
    format: "decimals:2",
  },
  {
    key: "corpus.postings",
    file: "requirements-corpus",
    phrase:
      "the corpus's {} train postings (its {} dev postings for early stopping and for choosing), scored on its {} test postings",
    fields: ["postings.train", "postings.dev", "postings.test"],
    format: "round:1",
  },
  {
    key: "corpus.looks",
    file: "requirements-corpus",
    phrase: "the test split's look number {}",
    fields: ["testLooks"],
    format: "round:1",
  },
  {
    key: "corpus.corpus",
    file: "requirements-corpus",
    phrase: "| lexical (the default) | {} / {} | {} | {} / {} | {} |",
    fields: [
      "dev.corpus.strict.micro.f1",
      "dev.corpus.loose.micro.f1",
      "dev.corpus.segmentMicroF1",
      "test.corpus.strict.micro.f1",
      "test.corpus.loose.micro.f1",
      "test.corpus.segmentMicroF1",
    ],
    format: "percent:1",
  },
  {
    key: "corpus.encoder",
    file: "requirements-corpus",
    phrase: "| segment classifier over use-lite embeddings | {} / {} | {} | {} / {} | {} |",
    fields: [
      "dev.encoder.strict.micro.f1",
      "dev.encoder.loose.micro.f1",
      "dev.encoder.segmentMicroF1",
      "test.encoder.strict.micro.f1",
      "test.encoder.loose.micro.f1",
      "test.encoder.segmentMicroF1",
    ],
    format: "percent:1",
  },
  {
    key: "corpus.combined",
    file: "requirements-corpus",
    phrase: "| combined: use-lite and lexical features | {} / {} | {} | {} / {} | {} |",
    fields: [
      "dev.combined.strict.micro.f1",
      "dev.combined.loose.micro.f1",
      "dev.combined.segmentMicroF1",
      "test.combined.strict.micro.f1",
      "test.combined.loose.micro.f1",
      "test.combined.segmentMicroF1",
    ],
    format: "percent:1",
  },
  {
    key: "corpus.demo",
    file: "requirements-corpus",
    phrase: "| trained on the demo adverts | {} / {} | {} | {} / {} | {} |",
    fields: [
      "dev.demo.strict.micro.f1",
      "dev.demo.loose.micro.f1",
      "dev.demo.segmentMicroF1",
      "test.demo.strict.micro.f1",
      "test.demo.loose.micro.f1",
      "test.demo.segmentMicroF1",
    ],
    format: "percent:1",
  },
  {
    key: "corpus.keywords",
    file: "requirements-corpus",
    phrase: "| keyword rules, gazetteer from train | {} / {} | {} | {} / {} | {} |",
    fields: [
      "dev.keywords.strict.micro.f1",
      "dev.keywords.loose.micro.f1",
      "dev.keywords.segmentMicroF1",
      "test.keywords.strict.micro.f1",
      "test.keywords.loose.micro.f1",
      "test.keywords.segmentMicroF1",
    ],
    format: "percent:1",
  },
  {
    key: "corpus.speed",
    file: "requirements-corpus",
    phrase:
      "highlighting ran at {} postings/s (lexical) and {} (use-lite, every segment embedded) on one thread",
    fields: ["corpusStudents.documentsPerSecond", "encoderStudents.documentsPerSecond"],
    format: "decimals:1",
  },
  {
    key: "corpus.chars",
    file: "requirements-corpus",
    phrase: "test postings of {} characters on average",
    fields: ["corpusStudents.meanDocumentChars"],
    format: "round:1",
  },
  {
    key: "corpus.training",
    file: "requirements-corpus",
    phrase:
      "training took {} CPU-s (lexical) and {} CPU-s (over use-lite, its vectors read from the bench's cache)",
    fields: ["corpusStudents.trainingCpuSeconds", "encoderStudents.trainingCpuSeconds"],
    format: "round:1",
  },
  {
    key: "corpus.annotators",
    file: "requirements-corpus",
    phrase: "the annotators' {}",
    fields: ["interAnnotatorLooseF1"],
    format: "percent:1",
  },
  {
    key: "screen.corpus",
    file: "screen",
    phrase: "{} O*NET occupations, {}/{}/{} documents (train/val/test)",
    fields: ["corpus.occupations", "corpus.documents.train", "corpus.documents.val", "corpus.documents.test"],
    format: "round:1",
  },
  {
    key: "screen.encoder.percent",
    file: "screen",
    phrase: "| encoder: USE-lite chunk vectors, linear head (the recipe) | {} | {} | … | {} | {} |",
    fields: [
      "tasks.binary.students.0.test.accuracy",
      "tasks.binary.students.0.test.f1",
      "tasks.major-group.students.0.test.accuracy",
      "tasks.major-group.students.0.test.macroF1",
    ],
    format: "percent:1",
  },
  {
    key: "screen.encoder.auc",
    file: "screen",
    phrase: "| encoder: USE-lite chunk vectors, linear head (the recipe) | … | … | {} |",
    fields: ["tasks.binary.students.0.test.rocAuc"],
    format: "decimals:3",
  },
  {
    key: "screen.ngram.percent",
    file: "screen",
    phrase: "| n-gram: hashed words, softmax | {} | {} | … | {} | {} |",
    fields: [
      "tasks.binary.students.1.test.accuracy",
      "tasks.binary.students.1.test.f1",
      "tasks.major-group.students.1.test.accuracy",
      "tasks.major-group.students.1.test.macroF1",
    ],
    format: "percent:1",
  },
  {
    key: "screen.ngram.auc",
    file: "screen",
    phrase: "| n-gram: hashed words, softmax | … | … | {} |",
    fields: ["tasks.binary.students.1.test.rocAuc"],
    format: "decimals:3",
  },
  {
    key: "screen.fit",
    file: "screen",
    phrase: "fitting the major-group students took {} s (encoder head) and {} s (n-gram)",
    fields: ["tasks.major-group.students.0.fitSeconds", "tasks.major-group.students.1.fitSeconds"],
    format: "decimals:1",
  },
  {
    key: "screen.speed",
    file: "screen",
    phrase: "screening ran at {} documents/s (encoder, every chunk embedded) and {} documents/s (n-gram)",
    fields: [
      "tasks.major-group.students.0.documentsPerSecond",
      "tasks.major-group.students.1.documentsPerSecond",
    ],
    format: "round:1",
  },
  {
    key: "screen.size",
    file: "screen",
    phrase: "model files of {} and {} bytes",
    fields: ["tasks.major-group.students.0.modelBytes", "tasks.major-group.students.1.modelBytes"],
    format: "round:1000",
  },
  {
    key: "roles.occupations",
    file: "roles",
    phrase: "all {} occupations,",
    fields: ["occupations"],
    format: "round:1",
  },
  {
    key: "roles.testFraction",
    file: "roles",
    phrase: "{}% of each one's technologies and of its tasks held out",
    fields: ["split.testFraction"],
    format: "percent:0",
  },
  {
    key: "roles.untested",
    file: "roles",
    phrase: "({} occupations had too few items to test)",
    fields: ["split.untested"],
    format: "round:1",
  },
  ...(["lexical", "encoder", "combined", "prior"] as const).map(
    (student): ReadmeFigure => ({
      key: `roles.${student}`,
      file: "roles",
      phrase: `| ${rolesRowNames[student]} | {} | {} | {} | {} | {} | {} |`,
      fields: ["5 skills", "3 skills"].flatMap((size) =>
        ["top1", "top5", "majorGroupTop1"].map((metric) => `roles.${size}.${student}.${metric}`),
      ),
      format: "percent:1",
    }),
  ),
  {
    key: "roles.mrr",
    file: "roles",
    phrase: "MRR with five / three skills: lexical {} / {}, encoder {} / {}, combined {} / {}, prior {} / {}",
    fields: ["lexical", "encoder", "combined", "prior"].flatMap((student) =>
      ["5 skills", "3 skills"].map((size) => `roles.${size}.${student}.mrr`),
    ),
    format: "decimals:3",
  },
  {
    key: "roles.validation",
    file: "roles",
    phrase: "validation MRR lexical {}, encoder {}, combined {}",
    fields: ["validation.lexical.mrr", "validation.encoder.mrr", "validation.combined.mrr"],
    format: "decimals:3",
  },
  {
    key: "roles.weight",
    file: "roles",
    phrase: "at lexical weight {}",
    fields: ["validation.lexicalWeight"],
    format: "decimals:1",
  },
  {
    key: "roles.speed",
    file: "roles",
    phrase: "{} queries/s lexical, {} combined with five skills",
    fields: ["roles.5 skills.lexical.queriesPerSecond", "roles.5 skills.combined.queriesPerSecond"],
    format: "round:1",
  },
  {
    key: "roles.embedding",
    file: "roles",
    phrase: "USE-lite embedded {} new phrases/s",
    fields: ["embedPhrasesPerSecond"],
    format: "round:1",
  },
  {
    key: "roles.memory",
    file: "roles",
    phrase: "RSS {} MB at the end of the run",
    fields: ["memory.rssMb"],
    format: "round:1",
  },
  {
    key: "roles.titles.data",
    file: "roles",
    phrase: "{} of the {} distinct reported titles are missing from the occupation and alternate titles",
    fields: ["titles.reportedUnseenAsGiven", "titles.reportedDistinct"],
    format: "round:1",
  },
  {
    key: "roles.titles.count",
    file: "roles",
    phrase: "scored on all {} reported titles",
    fields: ["titles.reportedTitles"],
    format: "round:1",
  },
  {
    key: "roles.titles",
    file: "roles",
    phrase: "top-1 {}%, top-5 {}%; confident for {}% of them, {}% of those right",
    fields: ["titles.top1", "titles.top5", "titles.confident", "titles.confidentPrecision"],
    format: "percent:1",
  },
  ...activeLearningFigures,
  ...activeShareFigures,
  ...activeDevFigures,
];

/** What a results file lists as the README figures it backs. */
export function readmeFiguresOf(file: StoredResultsName) {
  return readmeFigures
    .filter((figure) => figure.file === file)
    .map((figure) => ({ key: figure.key, readme: figure.phrase, fields: figure.fields }));
}

/** A value as the README shows it. */
export function formatFigure(value: number, format: FigureFormat): string {
  const [kind, parameter] = format.split(":") as [string, string];
  const amount = Number(parameter);
  if (kind === "decimals") return value.toFixed(amount);
  if (kind === "percent") return (value * 100).toFixed(amount);
  return (Math.round(value / amount) * amount).toLocaleString("en");
}
