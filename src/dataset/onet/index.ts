export { type OccupationProfile, type OnetTechnology, readOnetProfiles, socMajorGroup } from "./read-onet.ts";
export {
  type OccupationSplit,
  type ProfileItem,
  type ProfileSplit,
  type ProfileSplitOptions,
  profileItems,
  type RoleExample,
  sampleQueries,
  splitForValidation,
  splitProfileItems,
} from "./split-profiles.ts";
