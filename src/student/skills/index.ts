export { skillsRegressionEpochs, skillsStudentDefaults } from "./definition.ts";
