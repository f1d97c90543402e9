import { UsageError } from "../../core/errors.ts";
import type { RolesPredictor } from "../../core/roles.ts";

/** Placeholder on the i14-advisor branch, replaced at merge by the roles student's loader. */
export async function loadRolesPredictor(path: string, _options: object = {}): Promise<RolesPredictor> {
  throw new UsageError(`cannot load the roles model ${path}: the roles student is not on this branch yet`);
}
