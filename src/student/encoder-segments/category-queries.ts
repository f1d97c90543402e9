import { requirementCategories } from "../../tasks/requirements/labels.ts";

/**
 * The texts that stand for a category in the reranker-style format a fine-tuned bge-reranker used:
 * a query "Example of <category>" and, optionally, a few descriptions of the category (its
 * definition and the guide's example quotes). The first text is always the query.
 */
export interface CategoryQuery {
  label: string;
  texts: string[];
}

/** The query template; `{name}` becomes the category's display name, lower-cased. */
export const defaultQueryTemplate = "Example of {name}";

export interface CategoryDescription {
  label: string;
  /** Display name, as in "Example of <name>". */
  name: string;
  /** Extra texts that describe the category (definition, example quotes). */
  descriptions?: readonly string[];
}

/**
 * One query per category, with up to `descriptions` description texts after it (0: the query
 * alone).
 */
export function categoryQueries(
  categories: readonly CategoryDescription[],
  options: { template?: string; descriptions?: number } = {},
): CategoryQuery[] {
  const template = options.template ?? defaultQueryTemplate;
  const limit = options.descriptions ?? 0;
  return categories.map((category) => ({
    label: category.label,
    texts: [
      template.replace("{name}", category.name.toLowerCase()),
      ...(category.descriptions ?? []).slice(0, limit),
    ],
  }));
}

/**
 * The ten requirement categories as the annotation guide describes them
 * (src/tasks/requirements/labels.ts): the definition, then the guide's example quotes.
 */
export function requirementCategoryDescriptions(): CategoryDescription[] {
  return requirementCategories.map((category) => ({
    label: category.id,
    name: category.name,
    descriptions: [
      category.definition,
      ...category.guide.yes.map((example) => (typeof example === "string" ? example : example.quote)),
    ],
  }));
}
