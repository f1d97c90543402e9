const edgePunctuation = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;

/** Lower case without leading/trailing punctuation: "Databases:" → "databases", "(SQL)" → "sql". */
export function normaliseWord(token: string): string {
  const stripped = token.toLowerCase().replace(edgePunctuation, "");
  return stripped === "" ? token.toLowerCase() : stripped;
}

/** Character classes collapsed to X, x, d and the character itself: "Node.js" → "Xxxxx.xx". */
export function wordShape(token: string): string {
  let shape = "";
  for (const char of token) {
    if (/\p{Lu}/u.test(char)) shape += "X";
    else if (/\p{Ll}/u.test(char)) shape += "x";
    else if (/\p{Nd}/u.test(char)) shape += "d";
    else shape += char;
  }
  return shape;
}

/** Runs of one class collapsed: "Xxxxx.xx" → "Xx.x". */
export function shortShape(shape: string): string {
  let short = "";
  for (const char of shape) if (short[short.length - 1] !== char) short += char;
  return short;
}
