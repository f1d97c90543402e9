/**
 * The contract between the roles student (student/roles: O*NET profiles → occupations, job-title
 * normalisation) and what uses it (the advisor task and workflow, the CLI, the API, the page).
 */

/** An O*NET-SOC occupation, e.g. `{ code: "15-1252.00", title: "Software Developers" }`. */
export interface OccupationRef {
  code: string;
  title: string;
}

/** An occupation with the student's score for it: higher is better, in [0, 1]. */
export interface RoleMatch extends OccupationRef {
  score: number;
}

export interface RoleQuery {
  /** Free-text skills: tools, technologies, abilities or duty-like phrases. */
  skills: readonly string[];
  /** The person's current job title, if given. */
  currentRole?: string | undefined;
  /** How many occupations to return. @default 5 */
  top?: number | undefined;
}

/** A title mapped to an occupation, and whether the mapping is confident enough to accept. */
export interface TitleMatch extends RoleMatch {
  /** The title as given. */
  input: string;
  confident: boolean;
}

export interface RoleSuggestions {
  /** The current role normalised to an occupation, when one was given. */
  currentRole?: TitleMatch | undefined;
  /** Best first. */
  roles: RoleMatch[];
}

/** A loaded roles model: the role student and the title normaliser, over one set of O*NET profiles. */
export interface RolesPredictor {
  suggest(query: RoleQuery): Promise<RoleSuggestions>;
  /** The best occupations for a job title, best first; `confident` on each says whether to accept it. */
  normaliseTitle(title: string, top?: number): Promise<TitleMatch[]>;
  /** The occupation's title and description, for prompts and pages. */
  describe(code: string): (OccupationRef & { description: string }) | undefined;
}
