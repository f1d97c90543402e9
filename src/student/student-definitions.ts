import { requirementsStudentDefaults } from "./requirements/definition.ts";
import { screenStudentDefaults } from "./screen/definition.ts";
import { skillsStudentDefaults } from "./skills/definition.ts";
import type { SpanStudentSettings } from "./span-student-settings.ts";

/** The span-student tasks and where each names its default settings. */
export const spanStudentDefaults = {
  requirements: requirementsStudentDefaults,
  skills: skillsStudentDefaults,
} as const satisfies Record<string, SpanStudentSettings>;
export type SpanStudentTask = keyof typeof spanStudentDefaults;

/** The document students (one label per whole document) and their defaults. */
export const documentStudentDefaults = {
  screen: screenStudentDefaults,
} as const;
export type DocumentStudentTask = keyof typeof documentStudentDefaults;
