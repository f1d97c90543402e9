/**
 * The ten categories a job advert's text is divided into. The definitions are written for two
 * readers at once, the teacher LLM (they go into the prompt) and a human checking its work, so
 * each one states where it stops and which neighbour takes over.
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

export interface RequirementCategory {
  id: RequirementCategoryId;
  /** Display name. */
  name: string;
  /** One line, with its boundaries against the neighbouring categories. */
  definition: string;
  /** Short phrases as they appear in real adverts. */
  examples: readonly string[];
  /** Highlight colour (hex), light enough for dark text on top. */
  color: string;
}

/** Bump whenever a definition or example changes: cached teacher labels depend on the wording. */
export const REQUIREMENT_LABELS_VERSION = "req-labels-v1";

export const requirementCategories: readonly RequirementCategory[] = [
  {
    id: "education",
    name: "Education",
    definition:
      "A school, college, university or vocational qualification (degree, diploma, apprenticeship, NVQ, HNC) with its subject or level; a licence, registration or certificate from a professional or industry body is Certification.",
    examples: [
      "Bachelor's degree in Computer Science or related field",
      "A-levels or equivalent",
      "Master's degree in Finance preferred",
      "completed vocational training as an electrician",
    ],
    color: "#a5d8ff",
  },
  {
    id: "certification",
    name: "Certification",
    definition:
      "A named certificate, professional licence or registration awarded by a professional or industry body after an exam or training (AWS, CPA, PMP, CSCS card, NMC registration, first aid certificate); a driving licence of any category is Qualifications.",
    examples: [
      "AWS Certified Solutions Architect",
      "ACCA or CIMA qualified",
      "active RN licence",
      "valid CSCS card",
    ],
    color: "#ffd8a8",
  },
  {
    id: "qualifications",
    name: "Qualifications",
    definition:
      "Any other condition a candidate must meet that is not education, certification, experience or a skill: driving licence, right to work, security clearance, background check, language level, minimum age, physical ability, availability for shifts or travel.",
    examples: [
      "valid driving licence",
      "must have the right to work in the UK",
      "able to lift up to 25 kg",
      "fluent German (C1)",
    ],
    color: "#d0bfff",
  },
  {
    id: "work_experience",
    name: "Work experience",
    definition:
      'Prior employment or practice the candidate should have: a duration, a role, a sector or a setting ("5+ years in backend development", "experience in a care setting"); "experience with <tool or method>" and no duration or role is Hard skills.',
    examples: [
      "5+ years of experience in backend development",
      "at least two years in a similar role",
      "previous experience in a busy restaurant",
    ],
    color: "#b2f2bb",
  },
  {
    id: "hard_skills",
    name: "Hard skills",
    definition:
      "A teachable, testable technical or domain skill, tool, method or body of knowledge (a language, software, machine, technique, regulation); mark the skill phrase itself.",
    examples: ["Python", "Kubernetes", "experience with SQL and dbt", "knowledge of IFRS"],
    color: "#99e9f2",
  },
  {
    id: "soft_skills",
    name: "Soft skills",
    definition:
      "A personal, interpersonal or working-style trait the candidate should have (communication, teamwork, attention to detail, reliability); traits of the employer are Company culture.",
    examples: [
      "excellent communication skills",
      "strong attention to detail",
      "a team player",
      "able to work independently",
    ],
    color: "#fcc2d7",
  },
  {
    id: "benefits",
    name: "Benefits",
    definition:
      "What the employer offers the employee: salary, bonus, pension, holidays, insurance, remote or flexible work, training budget, equipment, perks.",
    examples: ["25 days of paid holiday", "competitive salary", "hybrid working", "company pension scheme"],
    color: "#ffec99",
  },
  {
    id: "breadtext",
    name: "Breadtext",
    definition:
      "Generic filler and boilerplate that carries no requirement, duty, benefit or culture: calls to apply, contact and process notes, equal-opportunity and privacy statements, stock phrases.",
    examples: [
      "We look forward to your application",
      "Apply now",
      "We are an equal opportunity employer",
      "Only shortlisted candidates will be contacted",
    ],
    color: "#dee2e6",
  },
  {
    id: "company_culture",
    name: "Company culture",
    definition:
      "How the employer describes itself, its team, values, mission or way of working (flat hierarchy, inclusive team, fast-growing start-up); perks offered to the employee are Benefits.",
    examples: [
      "collaborative, flat hierarchy",
      "we value diversity and inclusion",
      "a friendly, close-knit team",
      "our mission is to make energy affordable",
    ],
    color: "#c3fae8",
  },
  {
    id: "job_duties",
    name: "Job duties",
    definition:
      "A task or responsibility of the role, what the person will do once hired, usually a bullet or a clause starting with a verb.",
    examples: [
      "Design and maintain data pipelines",
      "administer medication to patients",
      "prepare monthly management accounts",
    ],
    color: "#eebefa",
  },
];

const categoriesById = new Map<string, RequirementCategory>(
  requirementCategories.map((category) => [category.id, category]),
);

/** The category with this id, or undefined for an unknown id. */
export function requirementCategory(id: string): RequirementCategory | undefined {
  return categoriesById.get(id);
}
