export { type WebAsset, webAssets } from "./assets.ts";
