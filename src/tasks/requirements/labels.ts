/**
 * The ten categories a job advert's text is divided into. The definitions and examples are written
 * for two readers at once: the teacher LLM (they go into its prompt) and the human annotators of the
 * real-advert corpus (corpus/GUIDE.md is rendered from them and from guide.ts). Each category's
 * `no` examples say where it stops and which neighbour takes over.
 */
export const requirementCategoryIds = [
  "education",
  "certification",
  "qualifications",
  "work_experience",
  "hard_skills",
  "soft_skills",
  "benefits",
  "breadtext",
  "company_culture",
  "job_duties",
] as const;

export type RequirementCategoryId = (typeof requirementCategoryIds)[number];

/** An example quote for the guide, with an optional remark after it. */
export type GuideExample = string | { quote: string; remark: string };

/** What the annotation guide (and the teacher's prompt, from the same text) says about a category. */
export interface CategoryGuide {
  /** Where the span starts and ends, when the category has its own rule (markdown). */
  mark?: string;
  /** Quotes that are this category. */
  yes: readonly GuideExample[];
  /** Notes that hold for the category (markdown). */
  notes?: readonly string[];
  /** What looks like this category and is not, with what it is instead (markdown). */
  no: readonly string[];
}

export interface RequirementCategory {
  id: RequirementCategoryId;
  /** Display name. */
  name: string;
  /** One sentence: what the category covers. Shown on the page, in the guide and in the prompt. */
  definition: string;
  /** The guide's rules and examples for this category (corpus/GUIDE.md, the teacher's prompt). */
  guide: CategoryGuide;
  /** Highlight colour (hex), light enough for dark text on top. */
  color: string;
}

/**
 * Bump whenever a definition, example or rule changes (here or in guide.ts): cached teacher labels
 * depend on the wording. v2: the prompt states the annotation guide's rules (nesting included).
 */
export const REQUIREMENT_LABELS_VERSION = "req-labels-v2";

export const requirementCategories: readonly RequirementCategory[] = [
  {
    id: "education",
    name: "Education",
    definition:
      "A school, college, university or vocational qualification (degree, diploma, apprenticeship) with its subject or level.",
    guide: {
      mark: "Mark the requirement phrase with its subject and attached alternatives.",
      yes: [
        "BS/BA degree or equivalent experience",
        "Master's degree in Computer Science or a related field",
        "PhD in physics or mathematics",
        "completed vocational training as an electrician",
        "university degree",
      ],
      no: [
        '`Mid-Level` or `Senior` (seniority, not education: unmarked), a professional certificate (certification), a student job "for students of computer science" (qualifications: a condition on who may apply)',
      ],
    },
    color: "#a5d8ff",
  },
  {
    id: "certification",
    name: "Certification",
    definition:
      "A named certificate, professional licence or registration from a professional or industry body (AWS, CPA, PMP, CISSP, first aid certificate).",
    guide: {
      yes: ["AWS Certified Solutions Architect", "PMP certification", "ISTQB certified"],
      no: ["a driving licence (qualifications), a university degree (education)"],
    },
    color: "#ffd8a8",
  },
  {
    id: "qualifications",
    name: "Qualifications",
    definition:
      "Any other condition a candidate must meet that is not education, certification, experience or a skill: driving licence, right to work, security clearance, background check, a language and its level, minimum age, physical ability, availability for shifts, travel or relocation, being a student.",
    guide: {
      yes: [
        "valid driving licence",
        "eligible to work in the EU",
        "fluent English",
        "German at C1 level",
        "willingness to travel",
        "must be able to obtain security clearance",
      ],
      notes: ["a human language (`English`, `German skills`) is always qualifications, never a skill."],
      no: ["`able to work independently` (soft skills)"],
    },
    color: "#d0bfff",
  },
  {
    id: "work_experience",
    name: "Work experience",
    definition: "Prior employment or practice: a duration, a role, a sector or a setting.",
    guide: {
      mark: "Mark the whole experience requirement, duration to domain.",
      yes: [
        "5+ years of experience in backend development",
        "at least 3 years in a similar role",
        "experience in a consulting environment",
        "proven track record as a team lead",
        "several years of professional experience",
      ],
      no: [
        "`experience with SQL` with no duration, role, sector or setting: that is only the hard skill `SQL`.",
        "the company's own history (`100 years of experience in insurance` said of the company) is company_culture.",
      ],
    },
    color: "#b2f2bb",
  },
  {
    id: "hard_skills",
    name: "Hard skills",
    definition:
      "A teachable, testable technical or domain skill: a tool, language, framework, platform, method, technique, standard, regulation or field of knowledge.",
    guide: {
      mark: 'Mark the skill name itself (see "Skill spans").',
      yes: [
        "Java",
        "HTML5",
        "Kubernetes",
        "CI/CD",
        "SQL",
        "software development lifecycle",
        "business analysis",
        "financial modelling",
        "GDPR",
        "test automation",
        "agile methodologies",
      ],
      no: [
        "`communication` (soft skills), a degree's subject inside an education span (part of education, not marked again)",
      ],
    },
    color: "#99e9f2",
  },
  {
    id: "soft_skills",
    name: "Soft skills",
    definition:
      "A personal, interpersonal or working-style trait of the candidate (communication, teamwork, attention to detail, reliability, motivation, independence, problem solving, willingness to learn).",
    guide: {
      yes: [
        "communication skills",
        "team player",
        "attention to detail",
        "work independently",
        "highly motivated",
        "problem-solving skills",
        "proactive",
        "passionate about technology",
      ],
      no: ["traits of the employer or team (`a friendly team`, company_culture)"],
    },
    color: "#fcc2d7",
  },
  {
    id: "benefits",
    name: "Benefits",
    definition:
      "What the employer offers the employee: pay, bonus, pension, holidays, insurance, remote or flexible work, relocation, visa sponsorship, training budget, equipment, perks, career growth offered.",
    guide: {
      yes: [
        "competitive salary",
        "30 days of holiday",
        "Remote",
        "Visa sponsor",
        "Paid relocation",
        "flexible working hours",
        "budget for conferences",
      ],
      no: ["`Salary: <SALARY>` (a metadata line: unmarked)"],
    },
    color: "#ffec99",
  },
  {
    id: "breadtext",
    name: "Breadtext",
    definition:
      "Generic filler and boilerplate that carries no requirement, duty, benefit or culture: calls to apply, process notes, equal-opportunity and privacy statements, stock phrases, and context about the project or the role that is none of the other categories.",
    guide: {
      mark: "Usually a whole sentence.",
      yes: [
        "We look forward to your application",
        {
          quote:
            "We are an equal opportunity employer and place a high value on diversity and inclusion at our company",
          remark: "(an EEO statement is breadtext, even when it mentions diversity)",
        },
        "The analytics solutions will be a commercial business in its own right",
      ],
      no: [],
    },
    color: "#dee2e6",
  },
  {
    id: "company_culture",
    name: "Company culture",
    definition:
      "How the employer describes itself, its business, team, values, mission, history or way of working.",
    guide: {
      mark: "Usually a whole sentence.",
      yes: [
        "We embrace a culture of experimentation and constantly strive for improvement and learning",
        "<ORGANIZATION> is a global leader in financial services providing strategic advice ...",
        "flat hierarchies",
      ],
      no: ["a perk for the employee (benefits)"],
    },
    color: "#c3fae8",
  },
  {
    id: "job_duties",
    name: "Job duties",
    definition: "A task or responsibility of the role: what the person will do once hired.",
    guide: {
      mark: "One span per duty clause, usually a bullet or a clause starting with a verb.",
      yes: [
        "Design and maintain data pipelines in Python and SQL",
        "partner continuously with your many stakeholders",
      ],
      no: ["a requirement the candidate must already meet (one of the requirement categories)"],
    },
    color: "#eebefa",
  },
];

const categoriesById = new Map<string, RequirementCategory>(
  requirementCategories.map((category) => [category.id, category]),
);

/** A category's example quotes (the guide's `yes` examples, remarks left out). */
export function categoryExamples(category: RequirementCategory): string[] {
  return category.guide.yes.map((example) => (typeof example === "string" ? example : example.quote));
}

/** The category with this id, or undefined for an unknown id. */
export function requirementCategory(id: string): RequirementCategory | undefined {
  return categoriesById.get(id);
}
