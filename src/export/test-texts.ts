/**
 * The texts every lexical export's test vectors are computed on: short and long, requirement-like
 * and not, punctuation at word edges, tech names, digits, non-Latin scripts, emoji, empty.
 */
export const testVectorTexts: readonly string[] = [
  "",
  "   ",
  "Python",
  "team player",
  "collaborates well with others",
  "5+ years of experience with Java, Spring Boot and PostgreSQL.",
  "You will design, build and maintain our CI/CD pipelines (GitHub Actions, Terraform).",
  "Strong communication skills — written and verbal!",
  "Bachelor's degree in Computer Science or a related field",
  "Experience with C++, C# and .NET is a plus",
  "We offer: great benefits, flexible hours, 30 days' holiday.",
  "Knowledge of Node.js, e-mail marketing & R&D processes; 24/7 on-call",
  "Fließend Deutsch und Englisch in Wort und Schrift",
  "Maîtrise du français et de l'anglais",
  "Опыт работы с Kubernetes от 3 лет",
  "熟悉 Java 和 Python 编程",
  "العمل ضمن فريق",
  "Great attitude 🚀🚀 and eager to learn!!!",
  "ÆØÅ ÇĞİŞ ΣΊΣΥΦΟΣ",
  "(SQL) [NoSQL] {GraphQL} \"quoted\" 'single'",
  "Must be able to lift 25 kg; valid driver's licence required.",
  "HTML5 CSS3 ES2020 TypeScript AWS GCP Azure",
  "problem-solving, time-management and self-motivation",
  "Responsible for managing a team of 10+ engineers across three time zones, setting technical direction, reviewing designs and mentoring juniors while keeping delivery predictable.",
  "x",
];
