/**
 * The annotation rules of the requirements task, written once for two readers: the human
 * annotators of the real-advert corpus (corpus/GUIDE.md is rendered from this file, and a test
 * checks that it is) and the teacher LLM (the task prompt quotes the same rules). The ten
 * categories, with their definitions and examples, live in `labels.ts`; this file adds what holds
 * across categories: what is never marked, where spans start and end, how they nest.
 *
 * Each rule says who it is for: `both` (the default), or only the `annotators` (the line-numbered
 * answer files, the checker script, how to write encoding leftovers in JSON), which the prompt leaves
 * out. The guide's opening paragraph, about SkillSpan's rebuilt text, is the guide's alone too.
 */
import { type GuideExample, type RequirementCategory, requirementCategories } from "./labels.ts";

export type RuleAudience = "both" | "annotators";

export interface GuideRule {
  /** Markdown: backticks quote advert text. */
  text: string;
  /** Indented lines under the rule (markdown), e.g. an exception. */
  details?: readonly string[];
  audience?: RuleAudience;
}

export interface GuideSection {
  title: string;
  /** A paragraph before the rules. */
  lead?: string;
  rules: readonly GuideRule[];
  /** A paragraph after the rules. */
  tail?: string;
  audience?: RuleAudience;
}

/** The version of the guide the corpus was annotated with. */
export const ANNOTATION_GUIDE_VERSION = "1.1";

const neverMarked: GuideSection = {
  title: "What is never marked",
  rules: [
    {
      text: "Headings and field labels: `Job description:`, `Requirements`, `Your profile`, `Technologies:`, `Experience level:`.",
    },
    {
      text: "Metadata lines of the job board: the title line, `Date posted: …`, `Likes: 0 Dislikes: 0 Love: 0`, `Salary: <SALARY>`, `Job type: FULL_TIME`, `Industry: <INDUSTRY>`, `Company size: …`, `Company type: …`, `Role: Full Stack Developer`, `Full-time`, addresses and locations.",
      details: [
        "Exception: the technology tag line under `Technologies` (`javascript reactjs java`) lists skills the post asks for: mark each tag as hard_skills. The `Remote Visa sponsor Paid relocation` line under `Location options` lists benefits: mark each.",
      ],
    },
    {
      text: "A span never consists only of anonymisation tags; contact lines (`Contact: <NAME> <EMAIL>`) are unmarked.",
    },
    {
      text: 'Legal boilerplate is unmarked unless it reads as breadtext to a candidate (EEO, privacy, "we do not accept agency CVs": breadtext).',
    },
  ],
};

const boundaries: GuideSection = {
  title: "Span boundaries",
  rules: [
    {
      text: "A span never crosses a line break, and never starts or ends with spaces, bullet marks (`*`, `•`, `-`, `·`) or a final full stop.",
    },
    {
      text: '**Requirement spans** (education, certification, qualifications, work_experience): from the first word of the requirement\'s content to its last, with attached alternatives (`or equivalent`, `or a related field`, `or similar`). Leave out the framing before it (`You have`, `Must have`, `Ideally`, `We expect`) and the rating after it (`is a plus`, `preferred`, `is required`, `would be an advantage`). "Preferred" and "a plus" requirements are marked like required ones.',
    },
    {
      text: '**Skill spans** (hard_skills, soft_skills): the skill\'s name as a recruiter would list it. Leave out lead-ins (`knowledge of`, `experience with/in`, `proficiency in`, `familiarity with`, `understanding of`, `ability to`, `skills in`) and degree words (`strong`, `excellent`, `good`, `solid`, `advanced`, `in-depth`, `proven`). Keep `skills` when the text writes "X skills" (`communication skills`). Keep "work" verbs for trait phrases (`work independently`, `work in a team`).',
    },
    {
      text: "**Lists**: each item its own span (`Java`, `Kotlin`, `Python`), except where items share one head (`written and verbal communication skills` is one span; `HTML5 / JavaScript` is two: `HTML5`, `JavaScript`).",
    },
    {
      text: "**Sentence spans** (job_duties, company_culture, breadtext): the whole clause or sentence without leading framing (`You will`, `Your tasks:`) and without the final full stop. A line with several duties separated by `;` or listed with their own verbs gets one span per duty.",
    },
    {
      text: "A line that carries none of the categories and is body text (not a heading, metadata or contact line) is breadtext.",
    },
  ],
};

const nesting: GuideSection = {
  title: "Nesting",
  lead: "Requirement and sentence spans may contain skill spans, and you mark both:",
  rules: [
    {
      text: "a duty `Design and maintain data pipelines in Python and SQL` (job_duties) contains `Python` and `SQL` (hard_skills);",
    },
    {
      text: "`at least 5 years of combined experience in Java or Kotlin` (work_experience) contains `Java` and `Kotlin`;",
    },
    {
      text: "`Ability to work in large collaborative teams to achieve organizational goals` is one soft_skills span `work in large collaborative teams`; the rest is unmarked.",
    },
  ],
  tail: "Only hard_skills and soft_skills nest inside other spans. Two spans of the same category never overlap. An education span's subject (`Computer Science`) is not marked again as a hard skill.",
};

const outputFormat: GuideSection = {
  title: "Output format",
  audience: "annotators",
  lead: 'One file per posting, `<posting id>.jsonl`, one span per line:\n`{"label": "hard_skills", "line": 41, "quote": "Java"}`',
  rules: [
    { text: "`line` is the 1-based line number in the posting file (`cat -n` shows them)." },
    { text: "`quote` is copied exactly from that line (same characters, case and spacing)." },
    {
      text: "`occurrence` (1-based, default 1) says which occurrence of the quote *on that line* is meant, when it occurs more than once there; occurrences inside longer words count (`Java` occurs twice in `Java and JavaScript`).",
    },
    { text: "A posting with no spans at all still gets a file (empty)." },
  ],
  tail: "Check every file with `node /work/corpus/check.mjs <file>...`: it prints each quote's line and position, and any error.",
};

const clarifications: GuideSection = {
  title: "Clarifications (v1.1, from the first annotators' questions)",
  rules: [
    {
      text: "**Final dots**: a span never ends with a full stop, even after an abbreviation (`B.Sc`, `approx`); only `e.g.`, `i.e.`, `etc.` and dotted initialisms such as `Ph.D.` keep theirs.",
    },
    {
      text: "**Degree words** are dropped only from skill spans; requirement spans keep them (`proven track record as a team lead`, `Solid hands-on experience in consulting`).",
    },
    {
      text: "**Experience**: `experience in/with` a setting, sector, team type or role (`an agency`, `Scrum teams`, `a Financial Services environment`, `an experienced software developer`) is work_experience; `X experience` or `experience with X` where X is only a tool, method or field is the hard skill X alone.",
    },
    {
      text: "**Sentences split across lines**: each piece gets its sentence's category; a piece that is only a connective or punctuation (`and`, `-`, `.`) stays unmarked.",
    },
    {
      text: "**Lead-in lines and list labels** (`You will:`, `We offer:`, `Your profile`, `This role requires … including:`, `Holidays:`) are headings: unmarked. For a `Label: content` line, mark the content only.",
    },
    {
      text: "**Registrations**: a professional registration or authorisation (`registered nurse`, approval by a health authority) is certification. Shifts, hours, weekend work, commuting, travel and being enrolled as a student are qualifications.",
    },
    {
      text: '**"We offer" items** that describe the team or atmosphere (`great team environment`) are company_culture; offers to the employee (training, career growth, equipment) are benefits.',
    },
    {
      text: "**Skills in company text**: in company_culture or breadtext sentences, nest hard skills only where the sentence names the team's own tools or practices (`Our backends are written in C#`), not in general claims about the firm.",
    },
    {
      text: "**Non-skill spans never overlap**: a line that mixes, say, culture and benefits is split into separate pieces.",
    },
    {
      text: "Text-encoding leftovers (invisible `\\u0092` apostrophes, soft hyphens) are copied exactly; write them as `\\u00XX` escapes in the JSON.",
      audience: "annotators",
    },
  ],
};

/** The sections after the categories, in the guide's order. */
export const guideSections: readonly GuideSection[] = [
  neverMarked,
  boundaries,
  nesting,
  outputFormat,
  clarifications,
];

const guideIntro = [
  'You mark, in the text of a real job posting, the character spans that belong to ten categories. The text is a SkillSpan posting rebuilt line by line (one SkillSpan sentence per line). Personal data was replaced by tags such as `<ORGANIZATION>`, `<LOCATION>`, `<SALARY>`; they stay as they are. SkillSpan removed most commas, so lists often have no separators ("Java Kotlin and Python").',
];

/** Does a rule or section with this audience reach the teacher's prompt? */
export function forTeacher(audience: RuleAudience | undefined): boolean {
  return audience === undefined || audience === "both";
}

/** Wraps markdown prose at `width` columns, continuing lines with `indent`. Never breaks inside a word. */
function wrap(text: string, width: number, firstPrefix: string, indent: string): string {
  const lines: string[] = [];
  for (const paragraphLine of text.split("\n")) {
    let line = lines.length === 0 ? firstPrefix : indent;
    let empty = true;
    for (const word of paragraphLine.split(" ")) {
      if (!empty && line.length + 1 + word.length > width) {
        lines.push(line);
        line = indent + word;
      } else {
        line += (empty ? "" : " ") + word;
      }
      empty = false;
    }
    lines.push(line);
  }
  return lines.join("\n");
}

const GUIDE_WIDTH = 115;

function exampleMarkdown(example: GuideExample): string {
  return typeof example === "string" ? `\`${example}\`` : `\`${example.quote}\` ${example.remark}`;
}

function examplePrompt(example: GuideExample): string {
  return typeof example === "string" ? `"${example}"` : `"${example.quote}" ${example.remark}`;
}

/** "A school, …" reads "**education** — a school, …" in the guide. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function categoryMarkdown(category: RequirementCategory): string {
  const guide = category.guide;
  const head = `**${category.id}** — ${lowerFirst(category.definition)}${guide.mark ? ` ${guide.mark}` : ""}`;
  const lines = [wrap(head, GUIDE_WIDTH, "", "")];
  lines.push(wrap(`yes: ${guide.yes.map(exampleMarkdown).join(", ")}`, GUIDE_WIDTH, "- ", "  "));
  for (const note of guide.notes ?? []) lines.push(wrap(`note: ${note}`, GUIDE_WIDTH, "- ", "  "));
  for (const no of guide.no) lines.push(wrap(`no: ${no}`, GUIDE_WIDTH, "- ", "  "));
  return lines.join("\n");
}

function sectionMarkdown(section: GuideSection): string {
  const parts = [`## ${section.title}`];
  if (section.lead)
    parts.push(
      section.lead
        .split("\n")
        .map((line) => wrap(line, GUIDE_WIDTH, "", ""))
        .join("\n"),
    );
  const rules = section.rules.map((rule) =>
    [
      wrap(rule.text, GUIDE_WIDTH, "- ", "  "),
      ...(rule.details ?? []).map((detail) => wrap(detail, GUIDE_WIDTH, "  ", "  ")),
    ].join("\n"),
  );
  parts.push(rules.join("\n"));
  if (section.tail) parts.push(wrap(section.tail, GUIDE_WIDTH, "", ""));
  // Heading, lead, rules and tail read as one block, with no blank line between them.
  return parts.join("\n");
}

/** corpus/GUIDE.md, the annotation guide the corpus's annotators followed. */
export function renderAnnotationGuide(): string {
  return [
    "# Annotation guide: requirements in real job adverts",
    guideIntro.map((paragraph) => wrap(paragraph, GUIDE_WIDTH, "", "")).join("\n\n"),
    "## The ten categories",
    requirementCategories.map(categoryMarkdown).join("\n\n"),
    ...guideSections.map(sectionMarkdown),
  ]
    .join("\n\n")
    .concat("\n");
}

/** The category block of the teacher's prompt: the guide's definitions and examples, unwrapped. */
export function promptCategoryBlock(): string {
  return requirementCategories
    .map((category) => {
      const guide = category.guide;
      const lines = [
        `- ${category.id} (${category.name}): ${category.definition}${guide.mark ? ` ${guide.mark}` : ""}`,
      ];
      lines.push(`  Yes: ${guide.yes.map(examplePrompt).join("; ")}`);
      for (const note of guide.notes ?? []) lines.push(`  Note: ${note}`);
      for (const no of guide.no) lines.push(`  No: ${no}`);
      return lines.join("\n");
    })
    .join("\n");
}

/** The guide's rules that hold for any advert, as the prompt states them. */
export function promptRuleSections(): string {
  return guideSections
    .filter((section) => forTeacher(section.audience))
    .map((section) => {
      const rules = section.rules
        .filter((rule) => forTeacher(rule.audience))
        .map((rule) => [`- ${rule.text}`, ...(rule.details ?? []).map((detail) => `  ${detail}`)].join("\n"));
      return [`## ${section.title.replace(/ \(v1\.1.*\)$/, "")}`, section.lead, ...rules, section.tail]
        .filter((part): part is string => part !== undefined)
        .join("\n");
    })
    .join("\n\n");
}
