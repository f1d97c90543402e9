export { fnv1a32 as hashString } from "../../core/hash.ts";

/** Mixes two 32-bit values (murmur3's finaliser), so templates over one atom never collide by design. */
export function combineHash(left: number, right: number): number {
  let hash = Math.imul(left ^ 0x9e3779b9, 0x85ebca6b) ^ right;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
