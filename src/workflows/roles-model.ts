import type { RolesPredictor } from "../core/roles.ts";
import { loadRolesPredictor } from "../student/roles/index.ts";

/** The one place the adapters' roles model is opened (the roles student's model file). */
export function openRolesModel(path: string): Promise<RolesPredictor> {
  return loadRolesPredictor(path, {});
}
